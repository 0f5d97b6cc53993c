package dev.ferry.cli.internal.demo;

import dev.ferry.cli.internal.Progress;
import dev.ferry.cli.internal.embedded.Interruption;
import dev.ferry.cli.internal.embedded.LocalServer;
import dev.ferry.cli.internal.embedded.Percentiles;
import dev.ferry.cli.internal.embedded.Replica;
import dev.ferry.cli.internal.embedded.ServerLog;
import dev.ferry.core.SyncConfig;
import dev.ferry.server.ServerLimits;
import dev.ferry.transport.HttpSyncTransport;
import dev.ferry.transport.wire.PulledMutation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Runs the demo: a reference server on a free loopback port and {@code replicas} replicas, each
 * with its own SQLite file and started {@code SyncManager}, all in {@code dir}; one writer thread
 * per replica writes its share of the mutations concurrently (some to keys every replica writes),
 * then the demo waits until every replica's documents equal the server log folded in seq order.
 */
public final class Demo {

  private static final String TENANT = "demo";
  private static final Duration CHECK_EVERY = Duration.ofMillis(50);

  private final DemoSettings settings;
  private final Path dir;
  private final Consumer<String> notes;

  /**
   * @param dir an empty directory for the files
   * @param notes where to say what happens (standard error)
   */
  public Demo(DemoSettings settings, Path dir, Consumer<String> notes) {
    this.settings = settings;
    this.dir = dir;
    this.notes = notes;
  }

  /**
   * Runs it; returns when it converged or the timeout passed.
   *
   * @throws InterruptedException or {@link java.util.concurrent.CancellationException} when the
   *     thread was interrupted; the replicas and the server are closed first
   */
  public DemoResult run() throws InterruptedException {
    LatencyRecorder latencies = new LatencyRecorder();
    try (LocalServer server = new LocalServer(dir, List.of(TENANT), ServerLimits.defaults());
        HttpSyncTransport observer = server.transport(TENANT)) {
      List<Replica> replicas = new ArrayList<>();
      try {
        SyncConfig config = config();
        for (int i = 1; i <= settings.replicas(); i++) {
          String name = "replica-" + i;
          replicas.add(new Replica(name, dir.resolve(name + ".db"), server.transport(TENANT),
              new TimingApplier(latencies), config.toBuilder().owner("demo/" + name).build()));
        }
        replicas.forEach(r -> r.manager().start());
        notes.accept("ferry demo: " + settings.replicas() + " replicas writing " + settings.mutations()
            + " mutations through " + server.baseUri() + " (files in " + dir + ")");
        return runWith(server, observer, replicas, latencies);
      } finally {
        for (Replica r : replicas) {
          r.close();
        }
      }
    }
  }

  private SyncConfig config() {
    return SyncConfig.builder().minPushInterval(settings.minPushInterval()).build();
  }

  private DemoResult runWith(LocalServer server, HttpSyncTransport observer, List<Replica> replicas,
      LatencyRecorder latencies) throws InterruptedException {
    AtomicLong written = new AtomicLong();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> threads = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < replicas.size(); i++) {
      Writer w = new Writer(replicas.get(i), i, share(i), settings, latencies, written);
      Thread t = new Thread(() -> {
        try {
          w.run();
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
        }
      }, "ferry-demo-writer-" + (i + 1));
      threads.add(t);
      t.start();
    }
    try (Progress progress = Progress.start("writing", settings.mutations(), " mutations", written::get)) {
      for (Thread t : threads) {
        while (t.isAlive()) {
          t.join(200);
          progress.refresh();
        }
      }
    } catch (InterruptedException e) {
      // Stopped: the writers stop before their replicas are closed under them.
      threads.forEach(Thread::interrupt);
      for (Thread t : threads) {
        t.join(TimeUnit.SECONDS.toMillis(5));
      }
      throw e;
    }
    long writeNanos = System.nanoTime() - start;
    Throwable writeFailure = failure.get();
    if (writeFailure != null) {
      return result(server, replicas, latencies, false, "a writer failed: " + writeFailure, writeNanos,
          System.nanoTime() - start, 0, 0);
    }
    notes.accept("wrote " + settings.mutations() + " mutations in " + TimeUnit.NANOSECONDS.toMillis(writeNanos)
        + " ms; waiting until every replica has the server's documents");
    return awaitConvergence(server, observer, replicas, latencies, start, writeNanos);
  }

  private int share(int index) {
    int base = settings.mutations() / settings.replicas();
    return base + (index < settings.mutations() % settings.replicas() ? 1 : 0);
  }

  private DemoResult awaitConvergence(LocalServer server, HttpSyncTransport observer, List<Replica> replicas,
      LatencyRecorder latencies, long start, long writeNanos) {
    long deadline = System.nanoTime() + settings.timeout().toNanos();
    String problem = "not checked";
    long logSize = 0;
    long documents = 0;
    while (true) {
      List<PulledMutation> log = ServerLog.read(observer);
      logSize = log.size();
      problem = compare(replicas, log);
      if (problem == null) {
        documents = replicas.get(0).store().documents().count();
        return result(server, replicas, latencies, true, null, writeNanos, System.nanoTime() - start, logSize,
            documents);
      }
      Interruption.check();
      if (System.nanoTime() > deadline) {
        return result(server, replicas, latencies, false, problem + " after waiting "
            + settings.timeout().toSeconds() + " s", writeNanos, System.nanoTime() - start, logSize, documents);
      }
      LockSupport.parkNanos(CHECK_EVERY.toNanos());
    }
  }

  /** Why the replicas do not match the server log yet, or null when they all do. */
  private String compare(List<Replica> replicas, List<PulledMutation> log) {
    if (log.size() != settings.mutations()) {
      return "the server holds " + log.size() + " of " + settings.mutations() + " mutations";
    }
    Map<String, String> expected = ServerLog.fold(log);
    for (Replica r : replicas) {
      long pending = r.store().outbox().pendingCount("cloud");
      if (pending > 0) {
        return r.name() + " has " + pending + " pending mutations";
      }
      Map<String, String> actual = r.documents();
      if (!actual.equals(expected)) {
        return r.name() + "'s documents differ from the server log folded in seq order ("
            + differences(expected, actual) + ")";
      }
    }
    return null;
  }

  private static String differences(Map<String, String> expected, Map<String, String> actual) {
    int missing = 0;
    int different = 0;
    for (Map.Entry<String, String> e : expected.entrySet()) {
      String a = actual.get(e.getKey());
      if (a == null) {
        missing++;
      } else if (!a.equals(e.getValue())) {
        different++;
      }
    }
    long extra = actual.keySet().stream().filter(k -> !expected.containsKey(k)).count();
    return missing + " missing, " + different + " different, " + extra + " extra";
  }

  private DemoResult result(LocalServer server, List<Replica> replicas, LatencyRecorder latencies, boolean converged,
      String problem, long writeNanos, long elapsedNanos, long logSize, long documents) {
    List<DemoResult.ReplicaStatus> statuses = new ArrayList<>();
    for (Replica r : replicas) {
      statuses.add(new DemoResult.ReplicaStatus(r.name(), r.file().toString(), r.manager().status(),
          r.manager().statusJson()));
    }
    return new DemoResult(settings, server.baseUri().toString(), converged, problem,
        TimeUnit.NANOSECONDS.toMillis(writeNanos), TimeUnit.NANOSECONDS.toMillis(elapsedNanos), logSize, documents,
        new Percentiles(latencies.samples()), statuses);
  }
}
