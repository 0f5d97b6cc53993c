package dev.ferry.server.internal;

import java.time.Duration;
import java.util.Optional;
import java.util.Properties;

/**
 * The JDK HTTP server's JVM-wide settings that Ferry's server needs, applied as system properties
 * where the embedding application has not set them. The JDK reads them once, when its server
 * classes initialize, so they must be in place before the first {@code HttpServer} is created and
 * cannot differ between servers in one JVM.
 *
 * <ul>
 *   <li>{@code sun.net.httpserver.nodelay=true}: without it every response waits ~40 ms for Nagle's
 *       algorithm and delayed ACKs.
 *   <li>{@code sun.net.httpserver.maxReqTime} ({@value #MAX_REQUEST_SECONDS} s): the JDK reads a
 *       request's headers and body on a worker thread with no time limit, so a few connections that
 *       send a request slowly (or never finish their headers) would hold every worker and freeze
 *       the server. The JDK counts from the request's first byte until the request is completely
 *       read, and closes the connection when it takes longer. 60 s lets an 8 MiB push through a
 *       ~1.2 Mbit/s uplink.
 *   <li>{@code sun.net.httpserver.maxRspTime} ({@value #MAX_RESPONSE_SECONDS} s): counted from the
 *       request being completely read until the response is completely written, so for a long-poll
 *       it includes the whole wait. It bounds a client that never reads its response (which would
 *       otherwise hold the answering thread forever), and long-polls are capped below it (see
 *       {@link #longestWait}).
 * </ul>
 */
public final class JdkHttpServerSettings {

  public static final String NODELAY = "sun.net.httpserver.nodelay";
  public static final String MAX_REQUEST_TIME = "sun.net.httpserver.maxReqTime";
  public static final String MAX_RESPONSE_TIME = "sun.net.httpserver.maxRspTime";

  static final long MAX_REQUEST_SECONDS = 60;
  static final long MAX_RESPONSE_SECONDS = 120;

  /** Time kept, after a long-poll's wait, for reading the page and writing the response. */
  private static final Duration WRITE_ALLOWANCE = Duration.ofSeconds(30);

  private JdkHttpServerSettings() {}

  /**
   * Sets each property that is unset in {@code properties} (normally {@link
   * System#getProperties()}) to Ferry's default.
   *
   * @return the response time limit the JDK will apply, empty for none
   */
  public static Optional<Duration> applyDefaults(Properties properties) {
    synchronized (properties) {
      setIfUnset(properties, NODELAY, "true");
      setIfUnset(properties, MAX_REQUEST_TIME, Long.toString(MAX_REQUEST_SECONDS));
      setIfUnset(properties, MAX_RESPONSE_TIME, Long.toString(MAX_RESPONSE_SECONDS));
      return seconds(properties.getProperty(MAX_RESPONSE_TIME));
    }
  }

  /**
   * The longest long-poll wait that the response time limit leaves room for: the limit minus the
   * time to read and write the page (30 s, or half of a shorter limit), and at most {@code wanted}.
   */
  public static Duration longestWait(Duration wanted, Optional<Duration> responseLimit) {
    if (responseLimit.isEmpty()) {
      return wanted;
    }
    Duration limit = responseLimit.get();
    Duration allowance =
        limit.dividedBy(2).compareTo(WRITE_ALLOWANCE) < 0 ? limit.dividedBy(2) : WRITE_ALLOWANCE;
    Duration room = limit.minus(allowance);
    return wanted.compareTo(room) <= 0 ? wanted : room;
  }

  private static void setIfUnset(Properties properties, String key, String value) {
    if (properties.getProperty(key) == null) {
      properties.setProperty(key, value);
    }
  }

  /** Reads a seconds value as the JDK does: not a positive number means no limit. */
  private static Optional<Duration> seconds(String value) {
    try {
      long s = Long.decode(value);
      return s > 0 && s <= Long.MAX_VALUE / 1_000
          ? Optional.of(Duration.ofSeconds(s))
          : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
