package dev.ferry.transport.internal;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * The wait before retry number {@code n} of one request: {@code base · 2^(n-1)}, capped at {@code
 * max}, then scaled by a random factor in [0.5, 1.5) so that replicas that failed together do not
 * retry together; never shorter than the server's {@code Retry-After}.
 *
 * <p>Thread-safe when the random generator is; {@link #THREAD_LOCAL_RANDOM} is.
 */
public final class JitteredBackoff {

  /** A thread-safe generator that draws from the calling thread's {@link ThreadLocalRandom}. */
  public static final RandomGenerator THREAD_LOCAL_RANDOM =
      () -> ThreadLocalRandom.current().nextLong();

  private final Duration base;
  private final Duration max;
  private final RandomGenerator random;

  public JitteredBackoff(Duration base, Duration max, RandomGenerator random) {
    if (base.isNegative() || base.isZero()) {
      throw new IllegalArgumentException("retry base delay must be positive");
    }
    if (max.compareTo(base) < 0) {
      throw new IllegalArgumentException("retry max delay must not be below the base delay");
    }
    this.base = base;
    this.max = max;
    this.random = random;
  }

  /**
   * @param failures how many attempts have failed so far, at least 1
   * @param retryAfter the server's requested delay, if any
   * @return the wait in milliseconds, not negative
   */
  public long delayMillis(int failures, Optional<Duration> retryAfter) {
    if (failures < 1) {
      throw new IllegalArgumentException("failures must be at least 1, was " + failures);
    }
    long baseMillis = base.toMillis();
    long maxMillis = max.toMillis();
    int shift = Math.min(failures - 1, 30);
    long nominal = baseMillis > (maxMillis >> shift) ? maxMillis : baseMillis << shift;
    double factor = 0.5 + random.nextDouble();
    long jittered = Math.max(1, (long) (Math.min(nominal, maxMillis) * factor));
    long floor = retryAfter.map(Duration::toMillis).orElse(0L);
    return Math.max(jittered, floor);
  }
}
