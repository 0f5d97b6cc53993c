package dev.ferry.server;

/**
 * The database behind a {@link MutationLog} failed (unreachable, locked past its timeout, full).
 * The server answers it as {@code 503 unavailable}: the client retries later and loses nothing,
 * because a failed append stored nothing.
 */
public final class StorageException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * @param message what was being done, without secrets
   */
  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
