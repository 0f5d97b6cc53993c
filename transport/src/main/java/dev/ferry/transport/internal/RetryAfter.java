package dev.ferry.transport.internal;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Reads an HTTP {@code Retry-After} header (RFC 9110 section 10.2.3): either a number of seconds
 * or an HTTP date, turned into a delay from the injected clock's now.
 *
 * <p>A date in the past means "now" (zero). Values above {@link #MAX} are clamped to it, so that a
 * misconfigured server cannot park a replica for years and callers may safely add the delay to an
 * {@link Instant}. Anything unreadable counts as absent: the response is still classified by its
 * status, it just carries no delay.
 */
public final class RetryAfter {

  /** The longest delay a server can ask for. */
  public static final Duration MAX = Duration.ofDays(1);

  private final Clock clock;

  public RetryAfter(Clock clock) {
    this.clock = clock;
  }

  /** The delay the header asks for, or empty when it is missing or unreadable. */
  public Optional<Duration> parse(@Nullable String header) {
    if (header == null) {
      return Optional.empty();
    }
    String value = header.trim();
    if (value.isEmpty()) {
      return Optional.empty();
    }
    if (isDigits(value)) {
      // More than 18 digits cannot be a long, and is far above MAX anyway.
      long seconds = value.length() > 18 ? Long.MAX_VALUE : Long.parseLong(value);
      return Optional.of(clamp(seconds >= MAX.getSeconds() ? MAX : Duration.ofSeconds(seconds)));
    }
    try {
      Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration delay = Duration.between(clock.instant(), at);
      return Optional.of(delay.isNegative() ? Duration.ZERO : clamp(delay));
    } catch (DateTimeException e) {
      return Optional.empty();
    }
  }

  private static Duration clamp(Duration delay) {
    return delay.compareTo(MAX) > 0 ? MAX : delay;
  }

  private static boolean isDigits(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }
}
