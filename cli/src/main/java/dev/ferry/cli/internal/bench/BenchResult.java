package dev.ferry.cli.internal.bench;

import dev.ferry.cli.internal.embedded.Percentiles;

/**
 * What {@link Bench} measured.
 *
 * @param recordPerSecond mutations recorded into the outbox per second (transactions of 1,000)
 * @param pushPerSecond mutations pushed and acked per second by one cycle
 * @param pullApplyPerSecond mutations pulled and applied per second into a fresh replica
 * @param latency A→B propagation of single writes
 * @param burst the pushes of a burst of single writes
 * @param idleCpuPercent the live idle replica's threads, percent of one core
 * @param idleProcessCpuPercent the whole process meanwhile (server, GC and JIT included)
 * @param loadAverage the system load average when the run ended, -1 when unknown
 */
public record BenchResult(
    BenchSettings settings,
    double recordPerSecond,
    double pushPerSecond,
    double pullApplyPerSecond,
    Percentiles latency,
    Burst.Measured burst,
    double idleCpuPercent,
    double idleProcessCpuPercent,
    double loadAverage) {}
