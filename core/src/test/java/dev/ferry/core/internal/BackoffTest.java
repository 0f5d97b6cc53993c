package dev.ferry.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class BackoffTest {

  private static final Duration BASE = Duration.ofSeconds(1);
  private static final Duration MAX = Duration.ofMinutes(5);

  /** A random source that always answers the same fraction. */
  private static RandomGenerator fixed(double u) {
    return new RandomGenerator() {
      @Override
      public long nextLong() {
        throw new UnsupportedOperationException();
      }

      @Override
      public double nextDouble() {
        return u;
      }
    };
  }

  @Test
  void delay_withoutJitter_doublesFromTheBase() {
    Backoff b = new Backoff(BASE, MAX, 0, 10, fixed(0.5));
    assertEquals(Duration.ofSeconds(1), b.delay(1, null, false));
    assertEquals(Duration.ofSeconds(2), b.delay(2, null, false));
    assertEquals(Duration.ofSeconds(4), b.delay(3, null, false));
    assertEquals(Duration.ofSeconds(256), b.delay(9, null, false));
  }

  @Test
  void delay_pastTheMaximum_isCapped() {
    Backoff b = new Backoff(BASE, Duration.ofSeconds(10), 0, 100, fixed(0.5));
    assertEquals(Duration.ofSeconds(8), b.delay(4, null, false));
    assertEquals(Duration.ofSeconds(10), b.delay(5, null, false));
    assertEquals(Duration.ofSeconds(10), b.delay(30, null, false));
  }

  @Test
  void delay_atVeryLargeFailureCounts_saturatesAtTheMaximumWithoutOverflow() {
    Backoff b = new Backoff(Duration.ofMillis(3), Duration.ofDays(1), 0, Integer.MAX_VALUE, fixed(0.5));
    for (int n : new int[] {40, 62, 63, 64, 65, 1_000, Integer.MAX_VALUE - 1}) {
      assertEquals(Duration.ofDays(1), b.delay(n, null, false), "failures " + n);
    }
  }

  @Test
  void delay_jitter_staysWithinPlusMinus25PercentAlsoAtTheCap() {
    RandomGenerator random = new SplittableRandom(42);
    Backoff b = new Backoff(BASE, MAX, 0.25, 10, random);
    long min = Long.MAX_VALUE;
    long max = 0;
    for (int i = 0; i < 10_000; i++) {
      long d = b.delay(3, null, false).toMillis();
      assertTrue(d >= 3_000 && d <= 5_000, "4 s ± 25 % but was " + d);
      long capped = b.delay(40, null, false).toMillis();
      assertTrue(capped >= 225_000 && capped <= 375_000, "5 min ± 25 % but was " + capped);
      min = Math.min(min, capped);
      max = Math.max(max, capped);
    }
    assertTrue(min < 240_000 && max > 360_000, "jitter is kept after the cap: spread " + min + ".." + max);
  }

  @Test
  void delay_jitterExtremes_areExactlyTheBounds() {
    assertEquals(Duration.ofMillis(750), new Backoff(BASE, MAX, 0.25, 10, fixed(0)).delay(1, null, false));
    assertEquals(Duration.ofMillis(1250), new Backoff(BASE, MAX, 0.25, 10, fixed(1)).delay(1, null, false));
  }

  @Test
  void delay_retryAfter_isAFloor() {
    Backoff b = new Backoff(BASE, MAX, 0, 10, fixed(0.5));
    assertEquals(Duration.ofSeconds(30), b.delay(1, Duration.ofSeconds(30), false));
    assertEquals(Duration.ofSeconds(4), b.delay(3, Duration.ofSeconds(2), false), "a shorter Retry-After changes nothing");
    assertEquals(Duration.ofHours(2), b.delay(20, Duration.ofHours(2), false), "even above the maximum");
  }

  @Test
  void delay_fromTheCeilingOn_isTheMaximum() {
    Backoff b = new Backoff(BASE, Duration.ofHours(1), 0, 3, fixed(0.5));
    assertEquals(Duration.ofSeconds(2), b.delay(2, null, false));
    assertEquals(Duration.ofHours(1), b.delay(3, null, false), "4 s by the formula, the maximum at the ceiling");
    assertEquals(Duration.ofHours(1), b.delay(4, null, false));
  }

  @Test
  void delay_atMaximum_skipsTheGrowth() {
    Backoff b = new Backoff(BASE, MAX, 0, 10, fixed(0.5));
    assertEquals(MAX, b.delay(1, null, true));
  }

  @Test
  void delay_ofZeroFailures_isRefused() {
    Backoff b = new Backoff(BASE, MAX, 0, 10, fixed(0.5));
    assertThrows(IllegalArgumentException.class, () -> b.delay(0, null, false));
  }
}
