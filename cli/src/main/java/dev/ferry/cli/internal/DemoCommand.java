package dev.ferry.cli.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.cli.Ferry;
import dev.ferry.cli.internal.demo.Demo;
import dev.ferry.cli.internal.demo.DemoResult;
import dev.ferry.cli.internal.demo.DemoSettings;
import dev.ferry.cli.internal.embedded.Percentiles;
import dev.ferry.core.SyncStatus;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ferry demo}: replicas writing concurrently through an embedded server until they agree. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    header = "Show Ferry at work: replicas writing concurrently through an embedded server.",
    description = {
      "Shows Ferry at work on this machine: starts a reference server on a free loopback port with"
          + " SQLite in a temporary directory, runs several replicas (each its own SQLite file and"
          + " SyncManager), writes mutations on all of them concurrently (some to keys every replica"
          + " writes, some deletes), waits until every replica's documents equal the server log folded"
          + " in seq order, and prints rates, propagation latency and each replica's status.",
      "Exits 0 when the replicas converged, 1 when they did not within --timeout."
    })
final class DemoCommand extends BaseCommand {

  @Option(names = "--replicas", defaultValue = "3", paramLabel = "N",
      description = "replicas writing concurrently (default: ${DEFAULT-VALUE})")
  int replicas;

  @Option(names = "--mutations", defaultValue = "3000", paramLabel = "N",
      description = "writes in all, spread over the replicas (default: ${DEFAULT-VALUE})")
  int mutations;

  @Option(names = "--rate", defaultValue = "1000", paramLabel = "PER_SECOND",
      description = "writes per second across all replicas; 0 = as fast as they go (default: ${DEFAULT-VALUE})")
  double rate;

  @Option(names = "--min-push-interval-ms", defaultValue = "0", paramLabel = "MS",
      description = "the shortest time between two pushes of one replica under a stream of writes; 0 = push as"
          + " soon as the last push returned (default: ${DEFAULT-VALUE})")
  long minPushIntervalMillis;

  @Option(names = "--shared-keys", defaultValue = "20", paramLabel = "N",
      description = "keys every replica writes to (default: ${DEFAULT-VALUE})")
  int sharedKeys;

  @Option(names = "--timeout", defaultValue = "120", paramLabel = "SECONDS",
      description = "how long to wait for convergence after the last write (default: ${DEFAULT-VALUE})")
  long timeoutSeconds;

  @Option(names = "--seed", defaultValue = "1", paramLabel = "N",
      description = "seeds the writers' choice of keys and ops (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--keep", description = "keep the SQLite files (their directory is printed)")
  boolean keep;

  @Option(names = "--json", description = "print the result as one JSON document")
  boolean json;

  @Override
  public Integer call() {
    DemoSettings settings;
    try {
      settings = new DemoSettings(replicas, mutations, rate, Duration.ofMillis(minPushIntervalMillis), sharedKeys,
          Duration.ofSeconds(timeoutSeconds), seed);
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    DemoResult result;
    try (ScratchDir scratch = ScratchDir.create("ferry-demo-", keep)) {
      try {
        result = new Demo(settings, scratch.path(), this::note).run();
      } catch (InterruptedException | CancellationException e) {
        throw ScratchDir.stopped(keep ? "the files are kept in " + scratch.path() : null);
      } catch (RuntimeException e) {
        if (scratch.stopping()) {
          throw ScratchDir.stopped(keep ? "the files are kept in " + scratch.path() : null);
        }
        throw e;
      } finally {
        if (keep) {
          note("kept the files in " + scratch.path());
        }
      }
    }
    if (json) {
      Json.print(out(), json(result));
    } else {
      text(out(), result);
    }
    if (!result.converged()) {
      note("ferry demo: the replicas did not converge: " + result.problem());
      return Ferry.FAILED;
    }
    return Ferry.OK;
  }

  private static ObjectNode json(DemoResult r) {
    ObjectNode o = Json.object().put("converged", r.converged()).put("problem", r.problem())
        .put("replicas", r.settings().replicas()).put("mutations", r.settings().mutations())
        .put("elapsed_ms", r.elapsedMillis()).put("write_ms", r.writeMillis())
        .put("writes_per_s", Math.round(r.writesPerSecond())).put("synced_per_s", Math.round(r.syncedPerSecond()))
        .put("server_mutations", r.serverMutations()).put("documents", r.documents())
        .put("shared_keys", r.settings().sharedKeys()).put("rate", r.settings().ratePerSecond())
        .put("min_push_interval_ms", r.settings().minPushInterval().toMillis()).put("server", r.serverUrl());
    Percentiles p = r.latency();
    o.putObject("latency_ms").put("p50", Percentiles.round(p.millis(0.5))).put("p90", Percentiles.round(p.millis(0.9)))
        .put("p99", Percentiles.round(p.millis(0.99))).put("max", Percentiles.round(p.maxMillis()))
        .put("samples", p.count());
    ArrayNode statuses = o.putArray("statuses");
    for (DemoResult.ReplicaStatus s : r.statuses()) {
      ObjectNode entry = statuses.addObject().put("replica", s.name());
      entry.set("status", Json.parse(s.statusJson()));
    }
    return o;
  }

  private static void text(PrintWriter out, DemoResult r) {
    out.printf("%s: %d replicas, %d mutations (%d%% to %d shared keys) through %s%n",
        r.converged() ? "converged" : "NOT converged", r.settings().replicas(), r.settings().mutations(), 30,
        r.settings().sharedKeys(), r.serverUrl());
    out.printf("writes   %,d in %,d ms = %,.0f/s from %d concurrent writers%n", r.settings().mutations(),
        r.writeMillis(), r.writesPerSecond(), r.settings().replicas());
    out.printf("synced   every replica equal to the server log (%,d mutations, %,d documents) %,d ms after the"
        + " first write = %,.0f mutations/s end to end%n", r.serverMutations(), r.documents(), r.elapsedMillis(),
        r.syncedPerSecond());
    Percentiles p = r.latency();
    out.printf("latency  write committed on one replica -> applied on another (%,d samples): p50 %.1f ms,"
        + " p90 %.1f ms, p99 %.1f ms, max %.1f ms%n", p.count(), p.millis(0.5), p.millis(0.9), p.millis(0.99),
        p.maxMillis());
    out.printf("         (batches follow the load: a replica pushes as soon as its last push returned, and"
        + " takes everything written meanwhile%s; see 'ferry bench' for single writes)%n",
        r.settings().minPushInterval().isZero() ? ""
            : ", at most one push every " + r.settings().minPushInterval().toMillis() + " ms");
    out.println();
    out.printf("%-11s %-9s %8s %8s %8s %8s %9s  %s%n", "REPLICA", "PHASE", "PENDING", "PUSHED", "PULLED",
        "APPLIED", "FAILURES", "CURSOR");
    for (DemoResult.ReplicaStatus rs : r.statuses()) {
      SyncStatus s = rs.status();
      out.printf("%-11s %-9s %8d %8d %8d %8d %9d  %d/%d%n", rs.name(), s.phase().wireName(), s.pendingCount(),
          s.totalPushed(), s.totalPulled(), s.totalApplied(), s.totalFailures(), s.lastPulledSeq(),
          s.serverLatestSeq());
    }
    out.flush();
  }
}
