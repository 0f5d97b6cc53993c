package dev.ferry.transport.wire;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The body of every non-2xx response.
 *
 * @param errorClass {@code validation}, {@code auth}, {@code policy}, {@code unsupported}, {@code
 *     stale_lease}, {@code too_large}, {@code rate_limited} or {@code unavailable}
 * @param errorCode a finer machine-readable code (e.g. {@code batch_too_large})
 * @param error human text; never contains a token
 * @param seenEpoch on a {@code 409 stale_lease}: the highest lease epoch the server has seen for
 *     the replica, so the client can move past it in one step; null otherwise
 */
public record ErrorBody(String errorClass, String errorCode, String error, @Nullable Long seenEpoch) {

  @JsonCreator
  public ErrorBody {
    Objects.requireNonNull(errorClass, "error_class");
    Objects.requireNonNull(errorCode, "error_code");
    Objects.requireNonNull(error, "error");
    if (seenEpoch != null && seenEpoch < 0) {
      throw new IllegalArgumentException("seen_epoch must not be negative, was " + seenEpoch);
    }
  }

  /** An error body without an epoch. */
  public ErrorBody(String errorClass, String errorCode, String error) {
    this(errorClass, errorCode, error, null);
  }
}
