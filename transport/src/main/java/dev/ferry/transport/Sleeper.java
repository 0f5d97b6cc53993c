package dev.ferry.transport;

import java.time.Duration;

/**
 * Waits between retries of one request; injected so tests can record the waits instead of
 * sleeping.
 *
 * <p>{@link HttpSyncTransport}'s default waits on its own close signal, so {@link
 * SyncTransport#close()} ends a wait at once. A custom sleeper ends when it returns; the transport
 * then notices the close and fails the call {@link TransportException.Kind#CANCELLED}.
 * Implementations must be thread-safe.
 */
@FunctionalInterface
public interface Sleeper {

  /**
   * Blocks for about {@code duration}. Returning early is allowed.
   *
   * @param duration how long to wait, not negative
   * @throws InterruptedException when the waiting thread is interrupted; the transport restores the
   *     flag and fails the call {@code CANCELLED}
   */
  void sleep(Duration duration) throws InterruptedException;
}
