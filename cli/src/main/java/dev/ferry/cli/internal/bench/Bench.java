package dev.ferry.cli.internal.bench;

import dev.ferry.cli.internal.embedded.Interruption;
import dev.ferry.cli.internal.embedded.LocalServer;
import dev.ferry.cli.internal.embedded.Percentiles;
import dev.ferry.core.Phase;
import dev.ferry.core.SyncConfig;
import dev.ferry.core.SyncManager;
import dev.ferry.server.ServerLimits;
import dev.ferry.store.DocumentApplier;
import dev.ferry.store.SyncStore;
import dev.ferry.transport.HttpSyncTransport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Runs {@code ferry bench} in one JVM against a reference server on a free loopback port with a
 * SQLite log in {@code dir}:
 *
 * <ol>
 *   <li>warm-up rounds (push and pull of up to 100,000 mutations, each round in a tenant and files
 *       of its own), so the JIT has compiled the paths being measured, as in the long-running
 *       processes Ferry lives in (the first cold round of 100,000 runs at about half the speed);
 *   <li>push: {@code mutations} recorded in replica A's outbox, then pushed by one cycle of a
 *       manager in batches of {@code batch};
 *   <li>pull and apply: one cycle of a manager on a fresh replica B pulls them all through the
 *       document applier;
 *   <li>propagation: A and B started (B long-polls), single writes on A timed until B has them;
 *   <li>burst: 1,000 single writes on A as fast as they go, the push requests counted until all are
 *       acked;
 *   <li>idle CPU: A stopped, B left running idle with its long-poll parked, its threads' CPU over
 *       the idle window.
 * </ol>
 */
public final class Bench {

  private static final String TENANT = "bench";
  private static final String WARM_UP_TENANT = "warmup";
  private static final int WARM_UP_MAX = 100_000;
  private static final Duration SETTLE = Duration.ofSeconds(2);

  private final BenchSettings settings;
  private final Path dir;
  private final Consumer<String> notes;

  /**
   * @param dir an empty directory for the files
   * @param notes where to say what is being measured (standard error)
   */
  public Bench(BenchSettings settings, Path dir, Consumer<String> notes) {
    this.settings = settings;
    this.dir = dir;
    this.notes = notes;
  }

  /**
   * Runs every measurement.
   *
   * @throws IllegalStateException when a measurement failed
   * @throws java.util.concurrent.CancellationException when the thread was interrupted; everything
   *     is closed first
   */
  public BenchResult run() {
    ServerLimits limits = ServerLimits.builder()
        .maxBatchMutations(Math.max(ServerLimits.defaults().maxBatchMutations(), settings.batch())).build();
    List<String> tenants = new ArrayList<>(List.of(TENANT));
    for (int round = 0; round < settings.warmUpRounds(); round++) {
      tenants.add(warmUpTenant(round));
    }
    try (LocalServer server = new LocalServer(dir, tenants, limits)) {
      notes.accept("ferry bench: server on " + server.baseUri() + ", files in " + dir);
      warmUp(server);
      try (SyncStore a = SyncStore.open(dir.resolve("a.db"));
          SyncStore b = SyncStore.open(dir.resolve("b.db"));
          HttpSyncTransport ta = server.transport(TENANT);
          HttpSyncTransport tb = server.transport(TENANT)) {
        int n = settings.mutations();
        notes.accept("recording " + n + " mutations of " + settings.payloadBytes() + " bytes in replica A");
        double record = Throughput.record(a, n, settings.payloadBytes());
        notes.accept("pushing them in batches of " + settings.batch());
        double push = Throughput.push(a, ta, settings.batch());
        Interruption.check();
        notes.accept("pulling and applying them into replica B");
        double pull = Throughput.pullAndApply(b, tb, n);
        return live(server, a, ta, b, tb, record, push, pull);
      }
    }
  }

  private void warmUp(LocalServer server) {
    int n = Math.min(WARM_UP_MAX, settings.mutations());
    if (settings.warmUpRounds() > 0) {
      notes.accept("warming up: " + settings.warmUpRounds() + " round(s) of " + n + " mutations");
    }
    for (int round = 0; round < settings.warmUpRounds(); round++) {
      Interruption.check();
      String tenant = warmUpTenant(round);
      Path a = dir.resolve(tenant + "-a.db");
      Path b = dir.resolve(tenant + "-b.db");
      try (SyncStore sa = SyncStore.open(a);
          SyncStore sb = SyncStore.open(b);
          HttpSyncTransport ta = server.transport(tenant);
          HttpSyncTransport tb = server.transport(tenant)) {
        Throughput.record(sa, n, settings.payloadBytes());
        Throughput.push(sa, ta, settings.batch());
        Throughput.pullAndApply(sb, tb, n);
      }
      deleteFiles(a);
      deleteFiles(b);
    }
  }

  private static String warmUpTenant(int round) {
    return WARM_UP_TENANT + "-" + round;
  }

  /** Deletes a warm-up replica's file with its WAL and shared-memory files. */
  private static void deleteFiles(Path db) {
    for (String suffix : new String[] {"", "-wal", "-shm"}) {
      try {
        Files.deleteIfExists(db.resolveSibling(db.getFileName() + suffix));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot delete " + db + suffix, e);
      }
    }
  }

  private BenchResult live(LocalServer server, SyncStore a, HttpSyncTransport ta, SyncStore b,
      HttpSyncTransport tb, double record, double push, double pull) {
    // A writes only (its own echoes would just be skipped); B pulls with a parked long-poll.
    Burst.Counting countingA = new Burst.Counting(ta);
    SyncManager writer = SyncManager.create(a, countingA, new DocumentApplier(),
        SyncConfig.builder().pull(false).owner("bench/a").build());
    try (SyncManager reader = SyncManager.create(b, tb, new DocumentApplier(),
        SyncConfig.builder().owner("bench/b").build())) {
      Percentiles latency;
      Burst.Measured burst;
      try (writer) {
        writer.start();
        reader.start();
        awaitReady(server, reader);
        notes.accept("timing " + settings.latencyWrites() + " single writes from A to B");
        latency = Propagation.measure(a, writer, b, settings.latencyWrites(), settings.payloadBytes());
        notes.accept("counting the pushes of a burst of " + Burst.WRITES + " single writes on A");
        burst = Burst.measure(a, writer, countingA, settings.payloadBytes());
      }
      awaitReady(server, reader);
      LockSupport.parkNanos(SETTLE.toNanos());
      Interruption.check();
      notes.accept("measuring B's CPU while idle for " + settings.idle().toSeconds() + " s");
      IdleCpu.Measured idle = IdleCpu.measure(settings.idle());
      return new BenchResult(settings, record, push, pull, latency, burst, idle.percent(), idle.processPercent(),
          ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
  }

  /** Waits until {@code reader} is healthy with its long-poll parked on the server. */
  private static void awaitReady(LocalServer server, SyncManager reader) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (reader.status().phase() != Phase.HEALTHY || server.parkedPulls() < 1) {
      Interruption.check();
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("replica B did not become healthy with a parked long-poll within 30 s;"
            + " phase " + reader.status().phase().wireName());
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
  }
}
