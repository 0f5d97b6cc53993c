package dev.ferry.server.internal.http;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.internal.HttpConnection;

/**
 * Closes a connection whose request headers are still incomplete some time after their first byte.
 * Jetty's idle timeout only counts silence, so a client sending one header line every few seconds
 * would keep its connection (a descriptor, a parser buffer) forever; this sweeps the open
 * connections once a second and closes those that have been mid-headers for longer than the
 * timeout. A connection idle between requests, or busy with a body or an answer, is left to the
 * idle timeout and the data rates. Thread-safe.
 */
final class HeaderDeadline implements Connection.Listener {

  /** When a connection was first seen mid-headers, and how many requests it had read then. */
  private record Mark(long sinceNanos, long messagesIn) {}

  private final long timeoutNanos;
  private final ServerMetrics metrics;
  private final Map<HttpConnection, Mark> open = new ConcurrentHashMap<>();
  private static final Mark NONE = new Mark(0, -1);

  HeaderDeadline(Duration timeout, ServerMetrics metrics) {
    this.timeoutNanos = timeout.toNanos();
    this.metrics = metrics;
  }

  /** Sweeps every second (or every quarter of a shorter timeout) on {@code scheduler}. */
  void start(ScheduledExecutorService scheduler) {
    long period = Math.max(50_000_000L, Math.min(1_000_000_000L, timeoutNanos / 4));
    scheduler.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.NANOSECONDS);
  }

  @Override
  public void onOpened(Connection connection) {
    if (connection instanceof HttpConnection http) {
      open.put(http, NONE);
    }
  }

  @Override
  public void onClosed(Connection connection) {
    if (connection instanceof HttpConnection http) {
      open.remove(http);
    }
  }

  void sweep() {
    long now = System.nanoTime();
    open.replaceAll((connection, mark) -> next(connection, mark, now));
  }

  private Mark next(HttpConnection connection, Mark mark, long now) {
    var parser = connection.getParser();
    if (parser.isStart() || !parser.inHeaderState()) {
      return NONE;
    }
    long messages = connection.getMessagesIn();
    if (mark == NONE || mark.messagesIn() != messages) {
      return new Mark(now, messages);
    }
    if (now - mark.sinceNanos() > timeoutNanos) {
      metrics.rejected("header_timeout");
      connection.getEndPoint().close();
    }
    return mark;
  }
}
