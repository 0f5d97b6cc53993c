package dev.ferry.store;

/**
 * The database stayed locked by another connection or process through the busy timeout and every
 * configured retry ({@link StoreConfig#lockRetries()}). Transient: the same call may succeed later.
 */
public final class StoreBusyException extends StoreException {

  private static final long serialVersionUID = 1L;

  /**
   * @param message what was attempted and how long it waited
   * @param cause the last {@code SQLITE_BUSY}/{@code SQLITE_LOCKED} error
   */
  public StoreBusyException(String message, Throwable cause) {
    super(Kind.BUSY, message, cause);
  }
}
