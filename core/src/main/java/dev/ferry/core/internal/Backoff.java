package dev.ferry.core.internal;

import java.time.Duration;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * The wait before retrying after {@code n} consecutive failures: {@code min(max, base · 2^(n-1))},
 * scaled by a random factor in {@code [1 - jitter, 1 + jitter)} (applied after the cap, so retries
 * of many replicas at the maximum still spread out), and never shorter than a server's {@code
 * Retry-After}. From {@code maxConsecutiveFailures} on, and for failures that call for it (a
 * refused token), the wait is the maximum. Large failure counts saturate at the maximum instead of
 * overflowing.
 *
 * <p>Not thread-safe: used under the loop's cycle lock only.
 */
public final class Backoff {

  private final long baseMillis;
  private final long maxMillis;
  private final double jitter;
  private final int ceiling;
  private final RandomGenerator random;

  /**
   * @param ceiling the failure count from which every wait is the maximum
   */
  public Backoff(Duration base, Duration max, double jitter, int ceiling, RandomGenerator random) {
    this.baseMillis = Math.max(1, base.toMillis());
    this.maxMillis = Math.max(baseMillis, max.toMillis());
    this.jitter = jitter;
    this.ceiling = ceiling;
    this.random = random;
  }

  /**
   * The wait after the {@code failures}-th consecutive failure.
   *
   * @param failures 1 or more
   * @param retryAfter the server's {@code Retry-After}, a floor; null when it sent none
   * @param atMaximum whether to wait the maximum regardless of the count
   */
  public Duration delay(int failures, @Nullable Duration retryAfter, boolean atMaximum) {
    if (failures < 1) {
      throw new IllegalArgumentException("failures must be at least 1 but was " + failures);
    }
    long raw = atMaximum ? maxMillis : uncappedOrMax(failures);
    double factor = 1 + jitter * (2 * random.nextDouble() - 1);
    long jittered = Math.max(1, Math.round(raw * factor));
    long floor = retryAfter == null ? 0 : retryAfter.toMillis();
    return Duration.ofMillis(Math.max(jittered, floor));
  }

  /** The wait before jitter: the exponential step, capped. */
  long uncappedOrMax(int failures) {
    if (failures >= ceiling) {
      return maxMillis;
    }
    int shift = failures - 1;
    if (shift >= Long.SIZE - 2 || baseMillis > (maxMillis >>> shift)) {
      return maxMillis;
    }
    return Math.min(maxMillis, baseMillis << shift);
  }
}
