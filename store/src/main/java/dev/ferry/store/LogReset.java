package dev.ferry.store;

/**
 * What a reset of a target's synced state to a new server log did ({@link
 * FencedWriter#resetToLog}, {@link FencedWriter#resync}).
 *
 * @param rebuilt true when the synced state was reset: the cursor is back at 0 and the next pulls
 *     rebuild from the new log; false when the applier cannot reset, so nothing changed but the
 *     target is now paused with {@link TargetStore#RESYNC_REQUIRED} until an operator resyncs
 * @param requeued acked local mutations moved back to pending, to be pushed again (the new log may
 *     not have them; a log that does answers {@code duplicate})
 */
public record LogReset(boolean rebuilt, int requeued) {

  /** @throws IllegalArgumentException for a negative count */
  public LogReset {
    if (requeued < 0) {
      throw new IllegalArgumentException("requeued must not be negative but was " + requeued);
    }
  }
}
