package dev.ferry.core;

import java.util.Objects;

/** A classified failure of a {@link SyncManager} call (not of a sync cycle: those are reported in {@link SyncStatus}). */
public final class SyncException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** What went wrong. */
  public enum Kind {
    /**
     * The target was set up with another applier than the one given, so pulling would advance its
     * cursor past mutations that applier never saw. Rebind on purpose with {@code
     * store.targets().bindApplier(...)}, or push only ({@link SyncConfig.Builder#pull(boolean)}).
     */
    APPLIER_MISMATCH,
    /**
     * A cycle in flight did not finish within {@link SyncConfig#pauseWaitTimeout()}. The pause
     * reason is recorded; the cycle stops at its next batch or page.
     */
    CYCLE_STILL_RUNNING,
    /** The manager was stopped; it cannot be started again. */
    STOPPED
  }

  private final Kind kind;

  /**
   * @param kind the classification
   * @param message what happened and what to do about it
   */
  public SyncException(Kind kind, String message) {
    super(Objects.requireNonNull(message, "message"));
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  /** The classification the caller acts on. */
  public Kind kind() {
    return kind;
  }
}
