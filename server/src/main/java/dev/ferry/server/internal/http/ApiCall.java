package dev.ferry.server.internal.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import dev.ferry.server.internal.LoggedFailure;
import dev.ferry.transport.wire.ErrorBody;
import dev.ferry.transport.wire.WireJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request being answered: the exchange plus the guarantee that it is answered exactly once,
 * from whichever thread gets there first (a worker, a long-poll wake-up, a timeout or shutdown).
 * Thread-safe.
 */
final class ApiCall {

  private static final Logger LOG = LoggerFactory.getLogger(ApiCall.class);

  private final HttpExchange exchange;
  private final InFlight inFlight;
  private final int gzipThreshold;
  private final AtomicBoolean answered = new AtomicBoolean();

  ApiCall(HttpExchange exchange, InFlight inFlight, int gzipThreshold) {
    this.exchange = exchange;
    this.inFlight = inFlight;
    this.gzipThreshold = gzipThreshold;
    inFlight.enter();
  }

  HttpExchange exchange() {
    return exchange;
  }

  boolean isAnswered() {
    return answered.get();
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
    send(200, json, false);
  }

  /** Answers with the error body of {@code e}; a no-op if already answered. */
  void error(ApiException e) {
    Headers headers = exchange.getResponseHeaders();
    if (e.allow() != null) {
      headers.set("Allow", e.allow());
    }
    if (e.status() == 401) {
      headers.set("WWW-Authenticate", "Bearer");
    }
    if (e.status() == 503 || e.status() == 429) {
      headers.set("Retry-After", "1");
    }
    byte[] json;
    try {
      json =
          WireJson.mapper()
              .writeValueAsBytes(new ErrorBody(e.errorClass(), e.errorCode(), e.getMessage(), e.seenEpoch()));
    } catch (JsonProcessingException impossible) {
      json =
          "{\"error_class\":\"unavailable\",\"error_code\":\"internal_error\",\"error\":\"\"}"
              .getBytes(StandardCharsets.UTF_8);
    }
    // After a refused body the connection may hold unread bytes; do not reuse it.
    send(e.status(), json, e.status() == 413);
  }

  private void send(int status, byte[] json, boolean closeConnection) {
    if (!answered.compareAndSet(false, true)) {
      return;
    }
    try (exchange) {
      Headers headers = exchange.getResponseHeaders();
      headers.set("Content-Type", "application/json; charset=utf-8");
      headers.set("Cache-Control", "no-store");
      headers.set("Vary", "Accept-Encoding");
      if (closeConnection) {
        headers.set("Connection", "close");
      }
      byte[] body = json;
      if (json.length >= gzipThreshold && acceptsGzip()) {
        body = gzip(json);
        headers.set("Content-Encoding", "gzip");
      }
      exchange.sendResponseHeaders(status, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    } catch (IOException e) {
      // The client went away; there is nobody left to answer.
      LOG.debug("could not send the {} response: {}", status, e.toString());
    } finally {
      inFlight.exit();
    }
  }

  private boolean acceptsGzip() {
    for (String value : exchange.getRequestHeaders().getOrDefault("Accept-Encoding", List.of())) {
      for (String part : value.split(",")) {
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
