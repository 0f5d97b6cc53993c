package dev.ferry.server.internal.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.ferry.server.internal.LoggedFailure;
import dev.ferry.transport.wire.WireJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.GZIPOutputStream;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request being answered: Jetty's request, response and completion callback, plus the
 * guarantee that it is answered exactly once, from whichever thread gets there first (a worker, a
 * long-poll wake-up, a timeout, shutdown, or the client going away). Answers are written
 * asynchronously: no thread waits for a client to read. Thread-safe.
 */
final class ApiCall {

  private static final Logger LOG = LoggerFactory.getLogger(ApiCall.class);
  private static final byte[] NO_BODY = new byte[0];

  /** Status recorded for a request whose client went away before it was answered. */
  static final int CLIENT_GONE = 499;

  private final Request request;
  private final Response response;
  private final Callback callback;
  private final String endpoint;
  private final Telemetry telemetry;
  private final int gzipThreshold;
  private final long startNanos = System.nanoTime();
  private final AtomicBoolean answered = new AtomicBoolean();
  private volatile @Nullable String tenant;
  private volatile byte[] body = NO_BODY;
  private volatile long bytesIn;
  private volatile @Nullable HangUpWatch hangUpWatch;

  ApiCall(
      Request request,
      Response response,
      Callback callback,
      String endpoint,
      Telemetry telemetry,
      int gzipThreshold) {
    this.request = request;
    this.response = response;
    this.callback = callback;
    this.endpoint = endpoint;
    this.telemetry = telemetry;
    this.gzipThreshold = gzipThreshold;
    // The server decides when a request ends (its work is done or its long-poll wait is over);
    // Jetty's idle timeout still fails a read or a write that makes no progress, so a client that
    // stops sending or stops reading loses its own connection and nothing else.
    request.addIdleTimeoutListener(timeout -> false);
    telemetry.entered();
  }

  /** The Jetty request, for reading its body; endpoints use the accessors below. */
  Request request() {
    return request;
  }

  String method() {
    return request.getMethod();
  }

  /** The path as sent, still percent-encoded. */
  String path() {
    String p = request.getHttpURI().getPath();
    return p == null ? "" : p;
  }

  /** The query string as sent, still percent-encoded; null when there is none. */
  @Nullable String rawQuery() {
    return request.getHttpURI().getQuery();
  }

  /** The first value of a request header, or null. */
  @Nullable String header(String name) {
    return request.getHeaders().get(name);
  }

  String endpoint() {
    return endpoint;
  }

  /**
   * The principal of the request's bearer token; remembers its tenant for the access log.
   *
   * @throws ApiException 401 as {@link TokenRegistry#authenticate} does
   */
  Principal authenticate(TokenRegistry tokens) {
    Principal p = tokens.authenticate(header("Authorization"));
    tenant = p.tenant();
    return p;
  }

  @Nullable String tenant() {
    return tenant;
  }

  /** The request body, completely read (and gunzipped); empty for requests without one. */
  byte[] body() {
    return body;
  }

  void body(byte[] decoded, long wireBytes) {
    this.body = decoded;
    this.bytesIn = wireBytes;
  }

  long bytesIn() {
    return bytesIn;
  }

  long startNanos() {
    return startNanos;
  }

  boolean isAnswered() {
    return answered.get();
  }

  /**
   * Runs {@code gone} (perhaps more than once) if the client hangs up or the connection fails before
   * the request is answered, so that whatever waits for it lets go at once; see {@link HangUpWatch}.
   */
  void onFailure(Runnable gone) {
    request.addFailureListener(x -> gone.run());
    hangUpWatch = HangUpWatch.start(request.getConnectionMetaData().getConnection().getEndPoint(), gone);
  }

  private void stopWatching() {
    HangUpWatch w = hangUpWatch;
    if (w != null) {
      w.cancel();
    }
  }

  /**
   * Answers 200 with {@code body} as JSON; a no-op if already answered. Never throws: a parked pull
   * is answered from a thread with nobody above it to catch, and an unanswered call would hold the
   * client and a graceful stop until their deadlines.
   */
  void ok(Object body) {
    byte[] json;
    try {
      json = WireJson.mapper().writeValueAsBytes(body);
    } catch (JsonProcessingException | RuntimeException e) {
      LOG.error(
          "cannot serialise a {}: {}", body.getClass().getSimpleName(), LoggedFailure.describe(e));
      error(ApiException.internal());
      return;
    }
    send(200, json, false, null);
  }

  /** Answers with the error body of {@code e}; a no-op if already answered. */
  void error(ApiException e) {
    if (answered.get()) {
      return;
    }
    HttpFields.Mutable headers = response.getHeaders();
    if (e.allow() != null) {
      headers.put(HttpHeader.ALLOW, e.allow());
    }
    if (e.status() == 401) {
      headers.put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
    }
    if (e.status() == 503 || e.status() == 429) {
      headers.put(HttpHeader.RETRY_AFTER, "1");
    }
    // After a refused or unfinished body the connection may hold unread bytes; do not reuse it.
    boolean close = e.status() == 413 || e.status() == 408;
    send(e.status(), ErrorJson.of(e), close, e.errorCode());
  }

  /**
   * Ends a request whose client is gone without answering it, closing its connection; a no-op if
   * already answered.
   */
  void abandon(Throwable cause) {
    if (answered.compareAndSet(false, true)) {
      stopWatching();
      request.getConnectionMetaData().getConnection().getEndPoint().close(cause);
      telemetry.answered(this, CLIENT_GONE, 0, null);
      callback.failed(cause);
      telemetry.finished();
    }
  }

  private void send(int status, byte[] json, boolean closeConnection, @Nullable String errorCode) {
    if (!answered.compareAndSet(false, true)) {
      return;
    }
    // Before anything is written: Jetty keeps a connection only if nothing else wants to read it.
    stopWatching();
    try {
      HttpFields.Mutable headers = response.getHeaders();
      headers.put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
      headers.put(HttpHeader.CACHE_CONTROL, "no-store");
      headers.put(HttpHeader.VARY, "Accept-Encoding");
      if (closeConnection) {
        headers.put(HttpHeader.CONNECTION, "close");
      }
      byte[] out = json;
      if (json.length >= gzipThreshold && acceptsGzip()) {
        out = gzip(json);
        headers.put(HttpHeader.CONTENT_ENCODING, "gzip");
      }
      headers.put(HttpHeader.CONTENT_LENGTH, out.length);
      response.setStatus(status);
      telemetry.answered(this, status, out.length, errorCode);
      response.write(
          true,
          ByteBuffer.wrap(out),
          Callback.from(
              () -> {
                callback.succeeded();
                telemetry.finished();
              },
              x -> {
                // The client went away or stopped reading; there is nobody left to answer.
                LOG.debug("could not send the {} response: {}", status, x.toString());
                callback.failed(x);
                telemetry.finished();
              }));
    } catch (IOException | RuntimeException e) {
      LOG.debug("could not send the {} response: {}", status, e.toString());
      callback.failed(e);
      telemetry.finished();
    }
  }

  private boolean acceptsGzip() {
    for (HttpField field : request.getHeaders().getFields(HttpHeader.ACCEPT_ENCODING)) {
      for (String part : field.getValue().split(",")) {
        String[] tokens = part.trim().split(";");
        if (tokens[0].trim().equalsIgnoreCase("gzip") && !refused(tokens)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean refused(String[] tokens) {
    for (int i = 1; i < tokens.length; i++) {
      String p = tokens[i].replace(" ", "");
      if (p.equals("q=0") || p.equals("q=0.0") || p.equals("q=0.00") || p.equals("q=0.000")) {
        return true;
      }
    }
    return false;
  }

  private static byte[] gzip(byte[] json) throws IOException {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream(json.length / 4 + 64);
    try (GZIPOutputStream out = new GZIPOutputStream(buffer, 8192)) {
      out.write(json);
    }
    return buffer.toByteArray();
  }
}
