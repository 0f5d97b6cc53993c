package dev.ferry.bench;

import dev.ferry.store.DocumentApplier;
import dev.ferry.store.FencedWriter;
import dev.ferry.store.MutationDraft;
import dev.ferry.store.RemoteMutation;
import dev.ferry.store.SyncStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Applying 100,000 pulled mutations in pages of 1,000 through the document applier: one fenced
 * transaction per page with the cursor advance, on a real WAL file. Scores are mutations per
 * second.
 *
 * <p>{@code documents}: {@code new} writes new documents every invocation (an initial sync; the
 * table grows), {@code existing} overwrites the same 100,000 documents (steady state). {@code
 * localPending}: with pending local writes (on other keys) every remote mutation is checked for
 * protection one by one; with none the store takes its fast path.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
public class ApplyPageBenchmark {

  static final int MUTATIONS = 100_000;
  static final int PAGE = 1_000;

  @Param({"existing", "new"})
  public String documents;

  @Param({"0", "1000"})
  public int localPending;

  private Path dir;
  private SyncStore store;
  private FencedWriter writer;
  private long cursor;
  private final List<List<RemoteMutation>> pages = new ArrayList<>();
  private String payload;

  @Setup
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("ferry-bench-apply");
    store = SyncStore.open(dir.resolve("bench.db"));
    writer = store.fenced(store.leases().acquire("cloud", "bench", Duration.ofDays(1)).fence(), new DocumentApplier());
    payload = "{\"title\":\"remote note\",\"body\":\"" + "x".repeat(150) + "\"}";
    if (localPending > 0) {
      store.jdbi().useTransaction(h -> {
        for (int i = 0; i < localPending; i++) {
          store.outbox().record(h, MutationDraft.upsert("notes", "note", "local-" + i, "{}"));
        }
      });
    }
  }

  @Setup(Level.Invocation)
  public void nextPages() {
    pages.clear();
    long seq = cursor;
    for (int p = 0; p < MUTATIONS / PAGE; p++) {
      List<RemoteMutation> page = new ArrayList<>(PAGE);
      for (int i = 0; i < PAGE; i++) {
        seq++;
        String key = documents.equals("new") ? "r-" + seq : "r-" + (seq % MUTATIONS);
        page.add(new RemoteMutation(seq, "replica-b", seq, "notes", "note", key, "upsert", payload, seq, seq));
      }
      pages.add(page);
    }
  }

  @Benchmark
  @OperationsPerInvocation(MUTATIONS)
  public long apply100kInPagesOf1000() {
    for (List<RemoteMutation> page : pages) {
      cursor = writer.applyPage(page, page.get(page.size() - 1).serverSeq()).cursor();
    }
    return cursor;
  }

  @TearDown
  public void tearDown() throws IOException {
    store.close();
    Bench.deleteRecursively(dir);
  }
}
