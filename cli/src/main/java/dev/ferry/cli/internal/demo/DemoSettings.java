package dev.ferry.cli.internal.demo;

import java.time.Duration;

/**
 * What {@link Demo} runs.
 *
 * @param replicas how many replicas write concurrently, 1 to 50
 * @param mutations writes in all, spread evenly over the replicas, at least 1
 * @param ratePerSecond writes per second across all replicas; 0 writes as fast as possible
 * @param minPushInterval the managers' {@code SyncConfig.minPushInterval} (0: push as soon as none is in flight)
 * @param sharedKeys how many keys every replica writes to (30 % of writes, 10 % of those deletes)
 * @param timeout how long to wait for convergence after the last write
 * @param seed seeds the writers' choices of keys and ops
 */
public record DemoSettings(int replicas, int mutations, double ratePerSecond, Duration minPushInterval,
    int sharedKeys,
    Duration timeout, long seed) {

  /** @throws IllegalArgumentException naming the value out of range */
  public DemoSettings {
    if (replicas < 1 || replicas > 50) {
      throw new IllegalArgumentException("--replicas must be between 1 and 50, was " + replicas);
    }
    if (mutations < 1 || mutations > 10_000_000) {
      throw new IllegalArgumentException("--mutations must be between 1 and 10000000, was " + mutations);
    }
    if (ratePerSecond < 0 || Double.isNaN(ratePerSecond)) {
      throw new IllegalArgumentException("--rate must not be negative, was " + ratePerSecond);
    }
    if (minPushInterval.isNegative() || minPushInterval.compareTo(Duration.ofMinutes(10)) > 0) {
      throw new IllegalArgumentException(
          "--min-push-interval-ms must be between 0 and 600000, was " + minPushInterval.toMillis());
    }
    if (sharedKeys < 1 || sharedKeys > 1_000_000) {
      throw new IllegalArgumentException("--shared-keys must be between 1 and 1000000, was " + sharedKeys);
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("--timeout must be positive, was " + timeout.toSeconds());
    }
  }
}
