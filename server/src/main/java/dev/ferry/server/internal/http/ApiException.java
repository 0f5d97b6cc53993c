package dev.ferry.server.internal.http;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A request the server answers with an error body instead of a result. Carries the HTTP status,
 * the {@code error_class} / {@code error_code} pair of docs/PROTOCOL.md section 5 and any extra
 * fields the error body carries next to them ({@link #with}), so handlers throw and the router
 * answers in one place.
 */
final class ApiException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int status;
  private final String errorClass;
  private final String errorCode;
  private final @Nullable String allow;
  private final Map<String, Object> fields;

  private ApiException(
      int status, String errorClass, String errorCode, String message, @Nullable String allow) {
    this(status, errorClass, errorCode, message, allow, Map.of());
  }

  private ApiException(
      int status,
      String errorClass,
      String errorCode,
      String message,
      @Nullable String allow,
      Map<String, Object> fields) {
    super(message, null, false, false);
    this.status = status;
    this.errorClass = errorClass;
    this.errorCode = errorCode;
    this.allow = allow;
    this.fields = fields;
  }

  /**
   * This error with one more field in its body after {@code error}, e.g. {@code seen_epoch}.
   *
   * @throws IllegalArgumentException for a name the error body already uses
   */
  ApiException with(String name, Object value) {
    if (name.equals("error_class") || name.equals("error_code") || name.equals("error")) {
      throw new IllegalArgumentException("the error body already has " + name);
    }
    Map<String, Object> more = new LinkedHashMap<>(fields);
    more.put(name, value);
    return new ApiException(status, errorClass, errorCode, getMessage(), allow, more);
  }

  /** An error with the given parts, for statuses decided outside the endpoints (e.g. by Jetty). */
  static ApiException of(int status, String errorClass, String errorCode, String message) {
    return new ApiException(status, errorClass, errorCode, message, null);
  }

  static ApiException validation(String code, String message) {
    return new ApiException(400, "validation", code, message, null);
  }

  static ApiException methodNotAllowed(String method, String allow) {
    return new ApiException(
        405,
        "validation",
        "method_not_allowed",
        method + " is not allowed here; use " + allow,
        allow);
  }

  static ApiException auth(String code, String message) {
    return new ApiException(401, "auth", code, message, null);
  }

  static ApiException policy(String message) {
    return new ApiException(403, "policy", "policy_forbidden", message, null);
  }

  /** A push under a replica id bound to another principal of the tenant. */
  static ApiException replicaForbidden(String message) {
    return new ApiException(403, "policy", "replica_forbidden", message, null);
  }

  static ApiException notFound(String path) {
    return new ApiException(404, "unsupported", "unknown_path", "no endpoint at " + path, null);
  }

  /** A 409 {@code stale_lease} whose body says the highest epoch seen, as {@code seen_epoch}. */
  static ApiException staleLease(String message, long seenEpoch) {
    return new ApiException(409, "stale_lease", "stale_lease", message, null)
        .with("seen_epoch", seenEpoch);
  }

  static ApiException tooLarge(String message) {
    return new ApiException(413, "too_large", "too_large", message, null);
  }

  static ApiException rateLimited(String code, String message) {
    return new ApiException(429, "rate_limited", code, message, null);
  }

  static ApiException unavailable(String code, String message) {
    return new ApiException(503, "unavailable", code, message, null);
  }

  /** 408: the request (its body) did not arrive in time; retryable. */
  static ApiException timeout(String message) {
    return new ApiException(408, "unavailable", "request_timeout", message, null);
  }

  /** 503: every worker busy and the queue full; retryable. */
  static ApiException overloaded() {
    return new ApiException(
        503, "unavailable", "overloaded", "the server is overloaded; retry shortly", null);
  }

  static ApiException internal() {
    return new ApiException(500, "unavailable", "internal_error", "internal server error", null);
  }

  int status() {
    return status;
  }

  String errorClass() {
    return errorClass;
  }

  String errorCode() {
    return errorCode;
  }

  /** Extra fields of the error body, in order; empty for most errors. */
  Map<String, Object> fields() {
    return fields;
  }

  /** The methods to list in {@code Allow} for a 405, else null. */
  @Nullable String allow() {
    return allow;
  }
}
