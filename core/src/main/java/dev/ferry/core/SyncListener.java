package dev.ferry.core;

/**
 * Told about every change of a {@link SyncManager}'s live status (phase, reason, failures, lease,
 * pause reasons). Calls come one at a time, in order, on the manager's listener thread, never while
 * the manager holds a lock; a listener that throws is logged and keeps receiving later changes.
 * Keep it quick: a slow listener delays the ones after it, not the sync loop.
 */
@FunctionalInterface
public interface SyncListener {

  /** A listener that ignores everything. */
  SyncListener NONE = status -> {};

  /**
   * One change.
   *
   * @param status the status right after the change (counts read from the store when delivered)
   */
  void onStatusChanged(SyncStatus status);
}
