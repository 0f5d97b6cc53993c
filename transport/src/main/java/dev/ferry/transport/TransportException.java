package dev.ferry.transport;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A classified failure of a {@link SyncTransport} call. The caller decides by {@link #kind()},
 * never by the message. Messages never contain a token.
 */
public final class TransportException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** What went wrong, in terms of what the caller should do about it. */
  public enum Kind {
    /** 401: the token was refused (after one refresh); show {@code auth_required}. */
    AUTH(false),
    /** 403: the token may not do this; {@code policy_forbidden}. */
    FORBIDDEN(false),
    /** 404: wrong URL or a server without this endpoint; {@code server_unsupported}. */
    UNSUPPORTED(false),
    /** 409: the server has seen a higher lease epoch for this replica; {@code lease_lost}. */
    STALE_LEASE(false),
    /** 413: split the batch and retry; a single mutation too large is quarantined. */
    TOO_LARGE(false),
    /** 429: transient; see {@link #retryAfter()}. */
    RATE_LIMITED(true),
    /** 503, other 5xx, I/O failure or timeout: transient. */
    UNAVAILABLE(true),
    /** 400/422, bad JSON or a response that fails validation: back off, ack nothing. */
    PROTOCOL(false),
    /** The call was cancelled by {@link SyncTransport#close()} or an interrupt. */
    CANCELLED(false);

    private final boolean transientFailure;

    Kind(boolean transientFailure) {
      this.transientFailure = transientFailure;
    }

    /** Whether the same request may succeed if simply sent again later. */
    public boolean isTransient() {
      return transientFailure;
    }
  }

  private final Kind kind;
  private final int httpStatus;
  private final @Nullable String errorCode;
  private final @Nullable Duration retryAfter;
  private final @Nullable Long seenEpoch;

  /**
   * @param kind the classification
   * @param message human text without secrets
   * @param httpStatus the HTTP status, or 0 when no response arrived
   * @param errorCode the server's {@code error_code}, if it sent a readable error body
   * @param retryAfter the server's {@code Retry-After}, if any
   * @param cause the underlying failure, if any
   */
  public TransportException(
      Kind kind,
      String message,
      int httpStatus,
      @Nullable String errorCode,
      @Nullable Duration retryAfter,
      @Nullable Throwable cause) {
    this(kind, message, httpStatus, errorCode, retryAfter, null, cause);
  }

  /**
   * @param kind the classification
   * @param message human text without secrets
   * @param httpStatus the HTTP status, or 0 when no response arrived
   * @param errorCode the server's {@code error_code}, if it sent a readable error body
   * @param retryAfter the server's {@code Retry-After}, if any
   * @param seenEpoch the {@code seen_epoch} of a {@code 409 stale_lease} body, if any
   * @param cause the underlying failure, if any
   */
  public TransportException(
      Kind kind,
      String message,
      int httpStatus,
      @Nullable String errorCode,
      @Nullable Duration retryAfter,
      @Nullable Long seenEpoch,
      @Nullable Throwable cause) {
    super(Objects.requireNonNull(message, "message"), cause);
    this.kind = Objects.requireNonNull(kind, "kind");
    if (httpStatus < 0) {
      throw new IllegalArgumentException("httpStatus must not be negative");
    }
    if (retryAfter != null && retryAfter.isNegative()) {
      throw new IllegalArgumentException("retryAfter must not be negative");
    }
    this.httpStatus = httpStatus;
    this.errorCode = errorCode;
    if (seenEpoch != null && seenEpoch < 0) {
      throw new IllegalArgumentException("seenEpoch must not be negative");
    }
    this.retryAfter = retryAfter;
    this.seenEpoch = seenEpoch;
  }

  /** A failure without an HTTP response. */
  public TransportException(Kind kind, String message, @Nullable Throwable cause) {
    this(kind, message, 0, null, null, cause);
  }

  /** What the caller should do about this failure. */
  public Kind kind() {
    return kind;
  }

  /** The HTTP status, or 0 when no response arrived. */
  public int httpStatus() {
    return httpStatus;
  }

  /** The server's {@code error_code}, when it sent a readable error body. */
  public Optional<String> errorCode() {
    return Optional.ofNullable(errorCode);
  }

  /**
   * For {@link Kind#STALE_LEASE}: the highest lease epoch the server has seen for the replica (its
   * {@code seen_epoch}), when the server sent it. A lease holder moves its epoch past it.
   */
  public Optional<Long> seenEpoch() {
    return Optional.ofNullable(seenEpoch);
  }

  /** The server's {@code Retry-After} (seconds or HTTP date, converted to a delay). */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
