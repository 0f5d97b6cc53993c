package dev.ferry.store;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A classified failure of the store. Callers decide by {@link #kind()} (or by the subclass), never
 * by the message; messages say what happened and what to do about it.
 */
public sealed class StoreException extends RuntimeException
    permits LeaseLostException, StoreBusyException, ApplyFailedException {

  private static final long serialVersionUID = 1L;

  /** What went wrong, in terms of what the caller can do about it. */
  public enum Kind {
    /** The file exists but is not a SQLite database (or is encrypted). Nothing was changed. */
    NOT_A_DATABASE,
    /** SQLite reports the database as malformed. */
    CORRUPT,
    /** The file was written by a newer Ferry; upgrade Ferry before opening it. */
    SCHEMA_TOO_NEW,
    /** The file or its directory cannot be opened (missing directory, a directory, permissions). */
    CANNOT_OPEN,
    /** Disk full, I/O error or a read-only file. */
    IO,
    /** The database stayed locked by another connection through every retry: {@link StoreBusyException}. */
    BUSY,
    /** The caller's lease is no longer current: {@link LeaseLostException}. */
    LEASE_LOST,
    /** The host's applier threw; the page was rolled back: {@link ApplyFailedException}. */
    APPLY_FAILED,
    /**
     * The target was set up with a different applier than the one given, or the document applier
     * was given for a second target ({@code ferry_documents} follows one target).
     */
    APPLIER_MISMATCH,
    /** The store was closed. */
    CLOSED,
    /** The thread was interrupted while waiting; its interrupt flag is set again. */
    INTERRUPTED,
    /** Any other SQL failure; the cause says more. */
    INTERNAL
  }

  private final Kind kind;

  /**
   * @param kind the classification
   * @param message what happened, for people
   * @param cause the underlying failure, if any
   */
  public StoreException(Kind kind, String message, @Nullable Throwable cause) {
    super(Objects.requireNonNull(message, "message"), cause);
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  /** A failure without an underlying cause. */
  public StoreException(Kind kind, String message) {
    this(kind, message, null);
  }

  /** The classification the caller acts on. */
  public Kind kind() {
    return kind;
  }
}
