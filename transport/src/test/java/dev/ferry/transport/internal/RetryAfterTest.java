package dev.ferry.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryAfterTest {

  private final RetryAfter retryAfter =
      new RetryAfter(Clock.fixed(Instant.parse("2026-11-21T10:00:00Z"), ZoneOffset.UTC));

  @Test
  void seconds_areReadAsADelay() {
    assertEquals(Optional.of(Duration.ofSeconds(120)), retryAfter.parse("120"));
    assertEquals(Optional.of(Duration.ZERO), retryAfter.parse(" 0 "));
  }

  @Test
  void httpDate_isADelayFromTheClock() {
    assertEquals(
        Optional.of(Duration.ofSeconds(90)), retryAfter.parse("Sat, 21 Nov 2026 10:01:30 GMT"));
  }

  @Test
  void pastDate_meansNow() {
    assertEquals(Optional.of(Duration.ZERO), retryAfter.parse("Sat, 21 Nov 2026 09:00:00 GMT"));
  }

  @Test
  void hugeValues_areClampedToADay() {
    assertEquals(Optional.of(RetryAfter.MAX), retryAfter.parse("999999999999999999999999"));
    assertEquals(Optional.of(RetryAfter.MAX), retryAfter.parse("90000"));
    assertEquals(Optional.of(RetryAfter.MAX), retryAfter.parse("Fri, 21 Nov 2036 10:00:00 GMT"));
  }

  @Test
  void garbage_isAbsent() {
    assertEquals(Optional.empty(), retryAfter.parse(null));
    assertEquals(Optional.empty(), retryAfter.parse(""));
    assertEquals(Optional.empty(), retryAfter.parse("-5"));
    assertEquals(Optional.empty(), retryAfter.parse("1.5"));
    assertEquals(Optional.empty(), retryAfter.parse("soon"));
    assertEquals(Optional.empty(), retryAfter.parse("Sat, 99 Nov 2026 10:01:30 GMT"));
  }
}
