package dev.ferry.transport;

import dev.ferry.transport.wire.HealthResponse;
import dev.ferry.transport.wire.PullResponse;
import dev.ferry.transport.wire.PushRequest;
import dev.ferry.transport.wire.PushResponse;
import dev.ferry.transport.wire.WhoAmIResponse;
import java.time.Duration;

/**
 * A client of a Ferry sync server (wire protocol v1).
 *
 * <p>Every method either returns a response that passed validation (see each method) or throws a
 * {@link TransportException} whose {@link TransportException#kind() kind} says what the caller
 * should do. Implementations are thread-safe; calls may run concurrently.
 */
public interface SyncTransport extends AutoCloseable {

  /**
   * Pushes one batch. The response answers every sent {@code client_seq} exactly once; an
   * implementation fails with {@link TransportException.Kind#PROTOCOL} otherwise.
   *
   * @throws TransportException classified failure; nothing may be acked
   */
  PushResponse push(PushRequest request);

  /**
   * Pulls the page after {@code since}: mutations in strictly increasing seq, all above {@code
   * since}; {@code has_more} is never true for an empty page.
   *
   * @param since the cursor, not negative
   * @param limit the page size, positive
   * @param wait how long the server may hold the request when nothing is new ({@link
   *     Duration#ZERO} for an immediate answer); the read timeout is extended to cover it
   * @throws TransportException classified failure; the cursor must not move
   */
  PullResponse pull(long since, int limit, Duration wait);

  /**
   * Asks the server whether it is up and which version it runs. Needs no token.
   *
   * @throws TransportException classified failure
   */
  HealthResponse health();

  /**
   * Asks the server which tenant and project grants the current token has.
   *
   * @throws TransportException classified failure
   */
  WhoAmIResponse whoami();

  /**
   * Cancels every call in flight (they fail with {@link TransportException.Kind#CANCELLED}) and
   * refuses new ones. Idempotent; returns promptly.
   */
  @Override
  void close();
}
