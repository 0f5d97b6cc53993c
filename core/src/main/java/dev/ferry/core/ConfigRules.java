package dev.ferry.core;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * The checks {@link SyncConfig.Builder} applies to its values, and the messages that state the
 * rule; also the default jitter source. Not API.
 */
final class ConfigRules {

  /** One day, the upper bound of most durations. */
  static final Duration ONE_DAY = Duration.ofDays(1);

  /** Thread-safe jitter by default: one config (e.g. {@link SyncConfig#defaults()}) may serve many managers. */
  static final RandomGenerator THREAD_LOCAL_RANDOM = new RandomGenerator() {
    @Override
    public long nextLong() {
      return ThreadLocalRandom.current().nextLong();
    }

    @Override
    public double nextDouble() {
      return ThreadLocalRandom.current().nextDouble();
    }
  };

  private ConfigRules() {}

  /**
   * @return {@code d}
   * @throws NullPointerException when {@code d} is null
   * @throws IllegalArgumentException when {@code d} is outside {@code [min, max]}
   */
  static Duration between(Duration d, String name, Duration min, Duration max) {
    Objects.requireNonNull(d, name + " must not be null");
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      throw new IllegalArgumentException(name + " must be between " + human(min) + " and " + human(max)
          + " but was " + human(d));
    }
    return d;
  }

  /**
   * @return {@code v}
   * @throws IllegalArgumentException when {@code v} is outside {@code [min, max]}
   */
  static int between(int v, String name, int min, int max) {
    if (v < min || v > max) {
      throw new IllegalArgumentException(name + " must be between " + min + " and " + max + " but was " + v);
    }
    return v;
  }

  /**
   * @return {@code d}: zero, or within {@code [min, max]}
   * @throws IllegalArgumentException otherwise
   */
  static Duration zeroOrBetween(Duration d, String name, Duration min, Duration max) {
    Objects.requireNonNull(d, name + " must not be null");
    return d.isZero() ? d : between(d, name, min, max);
  }

  /**
   * @return {@code d}
   * @throws IllegalArgumentException when {@code d} is below {@code floor}; the message is {@code
   *     rule} with both values
   */
  static Duration notBelow(Duration d, Duration floor, String rule) {
    if (d.compareTo(floor) < 0) {
      throw new IllegalArgumentException(rule + " but was " + d + " < " + floor);
    }
    return d;
  }

  /**
   * @return {@code v}
   * @throws IllegalArgumentException unless {@code 0 <= v < 1}
   */
  static double fraction(double v, String name) {
    if (!(v >= 0 && v < 1)) {
      throw new IllegalArgumentException(name + " must be at least 0 and below 1 but was " + v);
    }
    return v;
  }

  /** A duration as people write it: {@code 0}, {@code 50 ms}, {@code 5 min}, {@code 1 day}. */
  static String human(Duration d) {
    if (d.isZero()) {
      return "0";
    }
    if (d.toMillis() < 1_000 || d.toMillis() % 1_000 != 0) {
      return d.toNanos() % 1_000_000 == 0 ? d.toMillis() + " ms" : d.toNanos() + " ns";
    }
    long s = d.toSeconds();
    if (s % 86_400 == 0) {
      return s / 86_400 + (s == 86_400 ? " day" : " days");
    }
    if (s % 60 == 0) {
      return s / 60 + " min";
    }
    return s + " s";
  }
}
