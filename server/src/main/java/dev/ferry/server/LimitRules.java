package dev.ferry.server;

import java.time.Duration;
import java.util.Objects;

/**
 * The checks {@link ServerLimits.Builder} applies to its values, and the messages that state the
 * rule (each names the setting, the rule and the value given). Not API.
 */
final class LimitRules {

  /** Upper bound of the batch and page caps: one request's rows must fit comfortably in memory. */
  static final int MAX_COUNT = 100_000;

  /** Upper bound of every duration: longer waits and timeouts are mistakes, not policy. */
  private static final Duration ONE_HOUR = Duration.ofHours(1);

  private LimitRules() {}

  /**
   * @return {@code v}
   * @throws IllegalArgumentException when {@code v} is below {@code min}
   */
  static int atLeast(int v, String name, int min) {
    if (v < min) {
      throw new IllegalArgumentException(name + " must be at least " + min + ", was " + v);
    }
    return v;
  }

  /**
   * @return {@code v}
   * @throws IllegalArgumentException when {@code v} is outside {@code [min, max]}
   */
  static int between(int v, String name, int min, int max) {
    if (v < min || v > max) {
      throw new IllegalArgumentException(
          name + " must be between " + min + " and " + max + ", was " + v);
    }
    return v;
  }

  /**
   * @return {@code v}
   * @throws IllegalArgumentException when {@code v} is below 1
   */
  static int positive(int v, String name) {
    if (v < 1) {
      throw new IllegalArgumentException(name + " must be positive, was " + v);
    }
    return v;
  }

  /**
   * @return {@code v}
   * @throws IllegalArgumentException when {@code v} is negative
   */
  static long notNegative(long v, String name) {
    if (v < 0) {
      throw new IllegalArgumentException(name + " must not be negative, was " + v);
    }
    return v;
  }

  /**
   * @return {@code v}
   * @throws IllegalArgumentException when {@code v} is negative
   */
  static int notNegative(int v, String name) {
    return (int) notNegative((long) v, name);
  }

  /**
   * @param field the setter's name, the message of the {@link NullPointerException}
   * @param min zero or a whole number of milliseconds
   * @return {@code d}
   * @throws NullPointerException when {@code d} is null
   * @throws IllegalArgumentException when {@code d} is outside {@code [min, 1 hour]}
   */
  static Duration upToAnHour(Duration d, String field, String name, Duration min) {
    Objects.requireNonNull(d, field);
    if (d.compareTo(min) < 0 || d.compareTo(ONE_HOUR) > 0) {
      String from = min.isZero() ? "0" : min.toMillis() + " ms";
      throw new IllegalArgumentException(
          name + " must be between " + from + " and 1 hour, was " + d);
    }
    return d;
  }

  /**
   * Checks the settings that bound each other; called by {@code build()}.
   *
   * @throws IllegalArgumentException if the default pull limit exceeds the max pull limit
   */
  static void pullLimits(int defaultPullLimit, int maxPullLimit) {
    if (defaultPullLimit > maxPullLimit) {
      throw new IllegalArgumentException(
          "default pull limit "
              + defaultPullLimit
              + " must not exceed max pull limit "
              + maxPullLimit);
    }
  }
}
