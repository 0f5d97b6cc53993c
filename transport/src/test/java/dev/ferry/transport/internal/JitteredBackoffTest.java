package dev.ferry.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class JitteredBackoffTest {

  /** nextDouble() answers the given value. */
  private static RandomGenerator fixed(double value) {
    return new RandomGenerator() {
      @Override
      public long nextLong() {
        return 0;
      }

      @Override
      public double nextDouble() {
        return value;
      }
    };
  }

  @Test
  void delay_doublesPerFailureUpToTheCap() {
    JitteredBackoff backoff =
        new JitteredBackoff(Duration.ofMillis(100), Duration.ofMillis(500), fixed(0.5));

    assertEquals(100, backoff.delayMillis(1, Optional.empty()));
    assertEquals(200, backoff.delayMillis(2, Optional.empty()));
    assertEquals(400, backoff.delayMillis(3, Optional.empty()));
    assertEquals(500, backoff.delayMillis(4, Optional.empty()));
    assertEquals(500, backoff.delayMillis(64, Optional.empty()));
  }

  @Test
  void jitter_spansHalfToOneAndAHalf() {
    assertEquals(
        50,
        new JitteredBackoff(Duration.ofMillis(100), Duration.ofSeconds(1), fixed(0.0))
            .delayMillis(1, Optional.empty()));
    assertEquals(
        149,
        new JitteredBackoff(Duration.ofMillis(100), Duration.ofSeconds(1), fixed(0.999))
            .delayMillis(1, Optional.empty()));
    JitteredBackoff random =
        new JitteredBackoff(Duration.ofMillis(1000), Duration.ofSeconds(1), new SplittableRandom(1));
    for (int i = 0; i < 1000; i++) {
      long ms = random.delayMillis(1, Optional.empty());
      assertTrue(ms >= 500 && ms < 1500, "delay " + ms);
    }
  }

  @Test
  void retryAfter_isTheFloor() {
    JitteredBackoff backoff =
        new JitteredBackoff(Duration.ofMillis(100), Duration.ofMillis(500), fixed(0.5));

    assertEquals(3000, backoff.delayMillis(1, Optional.of(Duration.ofSeconds(3))));
    assertEquals(200, backoff.delayMillis(2, Optional.of(Duration.ofMillis(10))));
  }

  @Test
  void badSettings_areRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new JitteredBackoff(Duration.ZERO, Duration.ofSeconds(1), fixed(0.5)));
    assertThrows(
        IllegalArgumentException.class,
        () -> new JitteredBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1), fixed(0.5)));
    JitteredBackoff backoff =
        new JitteredBackoff(Duration.ofMillis(100), Duration.ofMillis(500), fixed(0.5));
    assertThrows(IllegalArgumentException.class, () -> backoff.delayMillis(0, Optional.empty()));
  }
}
