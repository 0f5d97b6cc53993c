package dev.ferry.transport.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.transport.TransportException;
import dev.ferry.transport.TransportException.Kind;
import dev.ferry.transport.wire.WireJson;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Turns a failed exchange into a {@link TransportException} whose kind follows DESIGN section 3's
 * error table.
 *
 * <p>The status decides the kind; the error body only adds {@code error_code} and human text, so a
 * garbled, truncated or missing body (a proxy's HTML page, a dropped connection) is still
 * classified correctly. Only statuses the table does not name fall back to the body's {@code
 * error_class}. Every message is built from the operation, the status and redacted, shortened
 * server text: never from request headers.
 */
public final class ErrorClassifier {

  /** Longest server text copied into a message. */
  static final int MAX_SERVER_TEXT = 300;

  private final RetryAfter retryAfter;

  public ErrorClassifier(RetryAfter retryAfter) {
    this.retryAfter = retryAfter;
  }

  /** The failure for a non-2xx response of {@code operation}. */
  public TransportException fromResponse(
      String operation, HttpResult result, SecretRedactor redactor) {
    ServerError body = ServerError.parse(result.body());
    int status = result.status();
    Kind kind = kindOf(status, body == null ? null : body.errorClass());
    Duration delay = retryAfter.parse(result.header("Retry-After")).orElse(null);
    StringBuilder message =
        new StringBuilder(operation).append(" failed: HTTP ").append(status);
    if (body != null) {
      message.append(' ').append(shorten(redactor.redact(body.label())));
      if (!body.text().isEmpty()) {
        message.append(": ").append(shorten(redactor.redact(body.text())));
      }
    } else if (result.body().length > 0) {
      message.append(" (no readable error body)");
    }
    if (status >= 300 && status < 400) {
      message.append("; the server redirected, check the base URL");
    }
    if (delay != null) {
      message.append("; Retry-After ").append(delay.toMillis()).append(" ms");
    }
    String code = body == null ? null : body.errorCode();
    Long seenEpoch = body == null || kind != Kind.STALE_LEASE ? null : body.seenEpoch();
    return new TransportException(kind, message.toString(), status, code, delay, seenEpoch, null);
  }

  /**
   * The failure for an exchange that produced no response.
   *
   * @param cancelled whether the call was cancelled by {@code close()}
   */
  public TransportException fromIo(String operation, IOException e, boolean cancelled) {
    if (cancelled) {
      return new TransportException(
          Kind.CANCELLED, operation + " cancelled: the transport was closed", e);
    }
    if (e instanceof SocketTimeoutException || isTimeout(e)) {
      return new TransportException(Kind.UNAVAILABLE, operation + " timed out", e);
    }
    // I/O messages name hosts and ports, never request headers.
    String detail = e.getMessage() == null ? "" : ": " + shorten(e.getMessage());
    return new TransportException(
        Kind.UNAVAILABLE, operation + " failed with " + e.getClass().getSimpleName() + detail, e);
  }

  /** The kind for a status, consulting the body's error class only where the table is silent. */
  static Kind kindOf(int status, @Nullable String errorClass) {
    switch (status) {
      case 400:
      case 422:
        return Kind.PROTOCOL;
      case 401:
        return Kind.AUTH;
      case 403:
        return Kind.FORBIDDEN;
      case 404:
      case 405:
      case 410:
        return Kind.UNSUPPORTED;
      case 408:
        return Kind.UNAVAILABLE;
      case 409:
        return Kind.STALE_LEASE;
      case 413:
        return Kind.TOO_LARGE;
      case 429:
        return Kind.RATE_LIMITED;
      default:
        break;
    }
    if (status >= 500 && status < 600) {
      return Kind.UNAVAILABLE;
    }
    if (status >= 300 && status < 400) {
      return Kind.UNSUPPORTED;
    }
    Kind byClass = errorClass == null ? null : kindOfErrorClass(errorClass);
    return byClass != null ? byClass : Kind.PROTOCOL;
  }

  private static @Nullable Kind kindOfErrorClass(String errorClass) {
    switch (errorClass.toLowerCase(Locale.ROOT)) {
      case "validation":
        return Kind.PROTOCOL;
      case "auth":
        return Kind.AUTH;
      case "policy":
        return Kind.FORBIDDEN;
      case "unsupported":
        return Kind.UNSUPPORTED;
      case "stale_lease":
        return Kind.STALE_LEASE;
      case "too_large":
        return Kind.TOO_LARGE;
      case "rate_limited":
        return Kind.RATE_LIMITED;
      case "unavailable":
        return Kind.UNAVAILABLE;
      default:
        return null;
    }
  }

  private static boolean isTimeout(IOException e) {
    // OkHttp reports an expired call timeout as InterruptedIOException("timeout").
    return e instanceof InterruptedIOException && "timeout".equals(e.getMessage());
  }

  static String shorten(String text) {
    String oneLine = text.replaceAll("\\s+", " ").trim();
    return oneLine.length() <= MAX_SERVER_TEXT
        ? oneLine
        : oneLine.substring(0, MAX_SERVER_TEXT) + "…";
  }

  /**
   * The readable parts of an error body. Parsed leniently (any subset of the fields) because a
   * partly readable body still says more than none; the strict {@link
   * dev.ferry.transport.wire.ErrorBody} record would refuse it whole.
   */
  private record ServerError(
      @Nullable String errorClass,
      @Nullable String errorCode,
      String text,
      @Nullable Long seenEpoch) {

    static @Nullable ServerError parse(byte[] body) {
      if (body.length == 0) {
        return null;
      }
      JsonNode node;
      try {
        node = WireJson.mapper().readTree(body);
      } catch (IOException | RuntimeException e) {
        return null;
      }
      if (node == null || !node.isObject()) {
        return null;
      }
      String errorClass = text(node, "error_class");
      String errorCode = text(node, "error_code");
      String error = text(node, "error");
      if (errorClass == null && errorCode == null && error == null) {
        return null;
      }
      return new ServerError(
          errorClass, errorCode, error == null ? "" : error, epoch(node.get("seen_epoch")));
    }

    String label() {
      String c = errorClass == null ? "?" : errorClass;
      return errorCode == null ? c : c + "/" + errorCode;
    }

    /** A non-negative JSON integer that fits a long, else null: a wrong epoch is no epoch. */
    private static @Nullable Long epoch(@Nullable JsonNode value) {
      if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
        return null;
      }
      long epoch = value.longValue();
      return epoch < 0 ? null : epoch;
    }

    private static @Nullable String text(JsonNode node, String field) {
      JsonNode value = node.get(field);
      return value != null && value.isTextual() ? value.asText() : null;
    }
  }
}
