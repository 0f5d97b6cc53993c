package dev.ferry.transport.wire;

import java.util.Objects;

/**
 * The body of every non-2xx response.
 *
 * @param errorClass {@code validation}, {@code auth}, {@code policy}, {@code unsupported}, {@code
 *     stale_lease}, {@code too_large}, {@code rate_limited} or {@code unavailable}
 * @param errorCode a finer machine-readable code (e.g. {@code batch_too_large})
 * @param error human text; never contains a token
 */
public record ErrorBody(String errorClass, String errorCode, String error) {

  public ErrorBody {
    Objects.requireNonNull(errorClass, "error_class");
    Objects.requireNonNull(errorCode, "error_code");
    Objects.requireNonNull(error, "error");
  }
}
