package dev.ferry.server.internal.http;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens once per request: counted in flight while unanswered, then one access-log line and
 * the request and rejection counters. The access log ({@code dev.ferry.server.access}, INFO) is
 * one {@code key=value} line per request: method, path (never the query string), status, tenant
 * ({@code -} before authentication), bytes read and written, duration. It never holds a token or
 * request data. Thread-safe.
 */
final class Telemetry {

  private static final Logger ACCESS = LoggerFactory.getLogger("dev.ferry.server.access");

  private final InFlight inFlight;
  private final ServerMetrics metrics;

  Telemetry(InFlight inFlight, ServerMetrics metrics) {
    this.inFlight = inFlight;
    this.metrics = metrics;
  }

  void entered() {
    inFlight.enter();
  }

  /** The request is no longer in flight: its answer was written, or failed to be. */
  void finished() {
    inFlight.exit();
  }

  /**
   * Records the answer as it starts to be written (so the line is logged before the client can
   * have its answer); {@link #finished()} follows when the write completes.
   */
  void answered(ApiCall call, int status, long bytesOut, @Nullable String errorCode) {
    record(
        call.method(),
        call.path(),
        call.endpoint(),
        status,
        call.tenant(),
        call.bytesIn(),
        bytesOut,
        System.nanoTime() - call.startNanos(),
        errorCode);
  }

  /** A request Jetty refused before it reached the router (it was never in flight). */
  void refused(
      @Nullable String method, @Nullable String path, int status, long bytesOut, String code) {
    record(method, path, "none", status, null, 0, bytesOut, 0, code);
  }

  private void record(
      @Nullable String method,
      @Nullable String path,
      String endpoint,
      int status,
      @Nullable String tenant,
      long bytesIn,
      long bytesOut,
      long nanos,
      @Nullable String errorCode) {
    metrics.request(endpoint, status);
    if (errorCode != null) {
      metrics.rejected(errorCode);
    }
    if (ACCESS.isInfoEnabled()) {
      ACCESS.info(
          "method={} path={} status={} tenant={} bytes_in={} bytes_out={} duration_ms={}",
          printable(method, 16),
          printable(path, 100),
          status,
          tenant == null ? "-" : printable(tenant, 64),
          bytesIn,
          bytesOut,
          (nanos / 100_000) / 10.0);
    }
  }

  /** The value shortened, without spaces or control characters, so a line stays one line. */
  private static String printable(@Nullable String s, int max) {
    if (s == null || s.isEmpty()) {
      return "-";
    }
    StringBuilder b = new StringBuilder(Math.min(s.length(), max) + 1);
    for (int i = 0; i < s.length() && b.length() < max; i++) {
      char c = s.charAt(i);
      b.append(c <= ' ' || c == 0x7f || Character.isISOControl(c) ? '_' : c);
    }
    if (s.length() > max) {
      b.append('…');
    }
    return b.toString();
  }
}
