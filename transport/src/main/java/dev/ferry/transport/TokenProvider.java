package dev.ferry.transport;

import java.util.Objects;

/**
 * Supplies the bearer token for each request.
 *
 * <p>After a {@code 401} the transport asks once more with {@code refresh = true}; if the new token
 * is also refused the failure is reported as {@link TransportException.Kind#AUTH}. Implementations
 * must be thread-safe and should not block for long.
 */
@FunctionalInterface
public interface TokenProvider {

  /**
   * The token to send.
   *
   * @param refresh true when the previous token was just refused and a fresh one is wanted
   * @return the token, not blank
   */
  String token(boolean refresh);

  /** A provider that always answers the same token. */
  static TokenProvider of(String token) {
    Objects.requireNonNull(token, "token");
    if (token.isBlank()) {
      throw new IllegalArgumentException("token must not be blank");
    }
    return refresh -> token;
  }
}
