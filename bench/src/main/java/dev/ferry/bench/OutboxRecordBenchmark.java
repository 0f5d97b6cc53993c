package dev.ferry.bench;

import dev.ferry.store.MutationDraft;
import dev.ferry.store.Outbox;
import dev.ferry.store.SyncStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Recording 100,000 mutations in host transactions of 500 through {@code store.jdbi()} (BEGIN
 * IMMEDIATE, a real WAL file), one {@code record} call per mutation or one {@code recordAll} per
 * transaction. Scores are mutations per second. The outbox is emptied between invocations so
 * every invocation starts from the same file size.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
public class OutboxRecordBenchmark {

  static final int MUTATIONS = 100_000;
  static final int PER_TRANSACTION = 500;

  private Path dir;
  private SyncStore store;
  private Jdbi jdbi;
  private Outbox outbox;
  private final List<List<MutationDraft>> transactions = new ArrayList<>();

  @Setup
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("ferry-bench-record");
    store = SyncStore.open(dir.resolve("bench.db"));
    jdbi = store.jdbi();
    outbox = store.outbox();
    String body = "x".repeat(150);
    for (int t = 0; t < MUTATIONS / PER_TRANSACTION; t++) {
      List<MutationDraft> drafts = new ArrayList<>(PER_TRANSACTION);
      for (int i = 0; i < PER_TRANSACTION; i++) {
        int n = t * PER_TRANSACTION + i;
        drafts.add(MutationDraft.upsert("notes", "note", "n-" + n, "{\"title\":\"note " + n + "\",\"body\":\"" + body + "\"}"));
      }
      transactions.add(drafts);
    }
  }

  @Setup(Level.Invocation)
  public void emptyOutbox() {
    jdbi.useHandle(h -> h.execute("DELETE FROM ferry_mutations"));
  }

  @Benchmark
  @OperationsPerInvocation(MUTATIONS)
  public long recordOneByOne() {
    long last = 0;
    for (List<MutationDraft> drafts : transactions) {
      last = jdbi.inTransaction(h -> {
        long seq = 0;
        for (MutationDraft d : drafts) {
          seq = outbox.record(h, d);
        }
        return seq;
      });
    }
    return last;
  }

  @Benchmark
  @OperationsPerInvocation(MUTATIONS)
  public long recordAllPerTransaction() {
    long last = 0;
    for (List<MutationDraft> drafts : transactions) {
      long[] seqs = jdbi.inTransaction(h -> outbox.recordAll(h, drafts));
      last = seqs[seqs.length - 1];
    }
    return last;
  }

  @TearDown
  public void tearDown() throws IOException {
    store.close();
    Bench.deleteRecursively(dir);
  }
}
