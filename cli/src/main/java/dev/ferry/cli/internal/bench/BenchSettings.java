package dev.ferry.cli.internal.bench;

import java.time.Duration;

/**
 * What {@link Bench} measures.
 *
 * @param mutations mutations pushed and then pulled, at least 1
 * @param batch mutations per push, 1 to 10,000
 * @param payloadBytes size of each mutation's JSON payload, 16 to 1 MiB
 * @param latencyWrites single writes timed from replica A to replica B, after 50 warm-up writes
 * @param idle how long the idle replica's CPU is measured
 * @param warmUpRounds push-and-pull rounds of up to 100,000 mutations before measuring, 0 to 20
 */
public record BenchSettings(int mutations, int batch, int payloadBytes, int latencyWrites, Duration idle,
    int warmUpRounds) {

  /** @throws IllegalArgumentException naming the value out of range */
  public BenchSettings {
    if (mutations < 1 || mutations > 100_000_000) {
      throw new IllegalArgumentException("--mutations must be between 1 and 100000000, was " + mutations);
    }
    if (batch < 1 || batch > 10_000) {
      throw new IllegalArgumentException("--batch must be between 1 and 10000, was " + batch);
    }
    if (payloadBytes < 16 || payloadBytes > 1 << 20) {
      throw new IllegalArgumentException("--payload-bytes must be between 16 and 1048576, was " + payloadBytes);
    }
    if (latencyWrites < 1 || latencyWrites > 100_000) {
      throw new IllegalArgumentException("--latency-writes must be between 1 and 100000, was " + latencyWrites);
    }
    if (warmUpRounds < 0 || warmUpRounds > 20) {
      throw new IllegalArgumentException("--warmup-rounds must be between 0 and 20, was " + warmUpRounds);
    }
    if (idle.isNegative() || idle.isZero() || idle.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException("--idle-seconds must be between 1 and 3600, was " + idle.toSeconds());
    }
  }
}
