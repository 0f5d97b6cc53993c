package dev.ferry.cli.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.cli.Ferry;
import dev.ferry.cli.internal.bench.Bench;
import dev.ferry.cli.internal.bench.BenchResult;
import dev.ferry.cli.internal.bench.BenchSettings;
import dev.ferry.cli.internal.bench.Burst;
import dev.ferry.cli.internal.embedded.Percentiles;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ferry bench}: end-to-end measurements on loopback. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    header = "Measure push, pull, propagation latency and idle CPU on loopback.",
    description = {
      "Measures Ferry end to end on this machine through an embedded server on loopback (SQLite in a"
          + " temporary directory): push rate, pull-and-apply rate into a fresh replica, A->B"
          + " propagation latency of single writes (p50/p99), the push requests a burst of 1,000 single"
          + " writes takes, and the idle CPU of a live replica with its long-poll parked.",
      "Targets on a 2-core machine: push and pull+apply >= 60,000 mutations/s, p50 <= 10 ms,"
          + " p99 <= 50 ms, a burst in single-digit pushes, idle CPU < 1 %% of a core."
    })
final class BenchCommand extends BaseCommand {

  static final double PUSH_TARGET = 60_000;
  static final double PULL_TARGET = 60_000;
  static final double P50_TARGET_MS = 10;
  static final double P99_TARGET_MS = 50;
  static final double IDLE_TARGET_PCT = 1;
  static final int BURST_PUSHES_TARGET = 9;

  @Option(names = "--mutations", defaultValue = "100000", paramLabel = "N",
      description = "mutations pushed and pulled (default: ${DEFAULT-VALUE})")
  int mutations;

  @Option(names = "--batch", defaultValue = "500", paramLabel = "N",
      description = "mutations per push (default: ${DEFAULT-VALUE})")
  int batch;

  @Option(names = "--payload-bytes", defaultValue = "200", paramLabel = "BYTES",
      description = "size of each mutation's JSON payload (default: ${DEFAULT-VALUE})")
  int payloadBytes;

  @Option(names = "--latency-writes", defaultValue = "300", paramLabel = "N",
      description = "single writes timed from A to B, after 50 warm-up writes (default: ${DEFAULT-VALUE})")
  int latencyWrites;

  @Option(names = "--idle-seconds", defaultValue = "10", paramLabel = "S",
      description = "how long the idle replica's CPU is measured (default: ${DEFAULT-VALUE})")
  long idleSeconds;

  @Option(names = "--warmup-rounds", defaultValue = "3", paramLabel = "N",
      description = "push-and-pull rounds of up to 100,000 mutations before measuring, so the JIT has"
          + " compiled the hot paths as in a long-running process; 0 measures cold (default: ${DEFAULT-VALUE})")
  int warmUpRounds;

  @Option(names = "--json", description = "print the measurements as one JSON document")
  boolean json;

  @Override
  public Integer call() {
    BenchSettings settings;
    try {
      settings = new BenchSettings(mutations, batch, payloadBytes, latencyWrites, Duration.ofSeconds(idleSeconds),
          warmUpRounds);
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    BenchResult result;
    try (ScratchDir scratch = ScratchDir.create("ferry-bench-", false)) {
      try {
        result = new Bench(settings, scratch.path(), this::note).run();
      } catch (CancellationException e) {
        throw ScratchDir.stopped(null);
      } catch (RuntimeException e) {
        if (scratch.stopping()) {
          throw ScratchDir.stopped(null);
        }
        throw e instanceof IllegalStateException ? CliFailure.failed(e.getMessage()) : e;
      }
    }
    if (json) {
      Json.print(out(), json(result));
    } else {
      text(out(), result);
    }
    return Ferry.OK;
  }

  private static ObjectNode json(BenchResult r) {
    Percentiles p = r.latency();
    ObjectNode o = Json.object().put("push_per_s", Math.round(r.pushPerSecond()))
        .put("pull_apply_per_s", Math.round(r.pullApplyPerSecond()));
    o.putObject("latency_ms").put("p50", Percentiles.round(p.millis(0.5))).put("p90", Percentiles.round(p.millis(0.9)))
        .put("p99", Percentiles.round(p.millis(0.99))).put("max", Percentiles.round(p.maxMillis()))
        .put("samples", p.count());
    o.putObject("burst").put("writes", Burst.WRITES).put("pushes", r.burst().pushes())
        .put("write_ms", round3(r.burst().writeMillis())).put("acked_ms", round3(r.burst().ackedMillis()));
    o.put("idle_cpu_pct", round3(r.idleCpuPercent())).put("mutations", r.settings().mutations())
        .put("batch", r.settings().batch()).put("payload_bytes", r.settings().payloadBytes())
        .put("record_per_s", Math.round(r.recordPerSecond()))
        .put("idle_seconds", r.settings().idle().toSeconds()).put("warmup_rounds", r.settings().warmUpRounds())
        .put("idle_process_cpu_pct", round3(r.idleProcessCpuPercent()));
    o.putObject("machine").put("cores", Runtime.getRuntime().availableProcessors())
        .put("load_average", round3(r.loadAverage())).put("java", System.getProperty("java.version"));
    o.putObject("targets_met").put("push_per_s", r.pushPerSecond() >= PUSH_TARGET)
        .put("pull_apply_per_s", r.pullApplyPerSecond() >= PULL_TARGET)
        .put("latency_p50", p.millis(0.5) <= P50_TARGET_MS).put("latency_p99", p.millis(0.99) <= P99_TARGET_MS)
        .put("burst_pushes", r.burst().pushes() <= BURST_PUSHES_TARGET)
        .put("idle_cpu_pct", r.idleCpuPercent() < IDLE_TARGET_PCT);
    return o;
  }

  private static void text(PrintWriter out, BenchResult r) {
    Percentiles p = r.latency();
    String pushWhat = "push (" + String.format("%,d", r.settings().mutations()) + " in batches of "
        + r.settings().batch() + ")";
    out.printf("%-44s %-22s %s%n", "measured", "result", "target (2 cores)");
    row(out, pushWhat, String.format("%,.0f /s", r.pushPerSecond()), ">= 60,000 /s", r.pushPerSecond() >= PUSH_TARGET);
    row(out, "pull + apply into a fresh replica", String.format("%,.0f /s", r.pullApplyPerSecond()), ">= 60,000 /s",
        r.pullApplyPerSecond() >= PULL_TARGET);
    row(out, "A->B propagation p50 (" + p.count() + " single writes)", String.format("%.2f ms", p.millis(0.5)),
        "<= 10 ms", p.millis(0.5) <= P50_TARGET_MS);
    row(out, "A->B propagation p99", String.format("%.2f ms", p.millis(0.99)), "<= 50 ms",
        p.millis(0.99) <= P99_TARGET_MS);
    row(out, "pushes for a burst of " + String.format("%,d", Burst.WRITES) + " single writes",
        String.valueOf(r.burst().pushes()), "<= 9", r.burst().pushes() <= BURST_PUSHES_TARGET);
    row(out, "idle CPU of a live replica (" + r.settings().idle().toSeconds() + " s)",
        String.format("%.3f %% of a core", r.idleCpuPercent()), "< 1 %", r.idleCpuPercent() < IDLE_TARGET_PCT);
    out.printf("(recording into the outbox: %,.0f /s; propagation p90 %.2f ms, max %.2f ms; the burst written in"
        + " %.1f ms, all acked %.1f ms after its first write; whole process while idle, server included: %.3f %%;"
        + " load average %.2f on %d cores)%n", r.recordPerSecond(), p.millis(0.9), p.maxMillis(),
        r.burst().writeMillis(), r.burst().ackedMillis(), r.idleProcessCpuPercent(), r.loadAverage(),
        Runtime.getRuntime().availableProcessors());
    out.flush();
  }

  private static void row(PrintWriter out, String what, String result, String target, boolean met) {
    out.printf("%-44s %-22s %s %s%n", what, result, target, met ? "ok" : "MISSED");
  }

  private static double round3(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
