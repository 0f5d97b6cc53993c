package dev.ferry.server.internal.http;

import org.jspecify.annotations.Nullable;

/**
 * A request the server answers with an error body instead of a result. Carries the HTTP status and
 * the {@code error_class} / {@code error_code} pair of DESIGN section 3, so handlers throw and the
 * router answers in one place.
 */
final class ApiException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int status;
  private final String errorClass;
  private final String errorCode;
  private final @Nullable String allow;
  private final @Nullable Long seenEpoch;

  private ApiException(
      int status, String errorClass, String errorCode, String message, @Nullable String allow) {
    this(status, errorClass, errorCode, message, allow, null);
  }

  private ApiException(
      int status,
      String errorClass,
      String errorCode,
      String message,
      @Nullable String allow,
      @Nullable Long seenEpoch) {
    super(message, null, false, false);
    this.status = status;
    this.errorClass = errorClass;
    this.errorCode = errorCode;
    this.allow = allow;
    this.seenEpoch = seenEpoch;
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

  static ApiException notFound(String path) {
    return new ApiException(404, "unsupported", "unknown_path", "no endpoint at " + path, null);
  }

  /** A 409 whose body carries {@code seen_epoch}, so the client moves past it in one step. */
  static ApiException staleLease(String message, long seenEpoch) {
    return new ApiException(409, "stale_lease", "stale_lease", message, null, seenEpoch);
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

  /** The {@code seen_epoch} of a 409 {@code stale_lease}, else null. */
  @Nullable Long seenEpoch() {
    return seenEpoch;
  }

  /** The methods to list in {@code Allow} for a 405, else null. */
  @Nullable String allow() {
    return allow;
  }
}
