package dev.ferry.core.internal;

import dev.ferry.store.SyncStore;
import java.util.Set;

/**
 * The target's pause reasons as this manager knows them: set by the manager's own pause and resume
 * (which persist them first) and refreshed by the change watcher whenever another connection
 * commits, so another process's {@code ferry pause} takes effect within the change-check interval —
 * no later than if it had come while a cycle was in flight. Without a running watcher (run-once
 * use, or the check turned off) every cycle start reads them from the store. The cycle checks
 * {@link #any()} between batches. Thread-safe.
 */
public final class Pauses {

  private final SyncStore store;
  private final String target;
  private volatile Set<String> reasons = Set.of();
  private volatile boolean watched;

  public Pauses(SyncStore store, String target) {
    this.store = store;
    this.target = target;
  }

  /** Reads the persisted reasons. */
  public Set<String> refresh() {
    Set<String> now = Set.copyOf(store.targets().pauseReasons(target));
    reasons = now;
    return now;
  }

  /** Whether the change watcher keeps the reasons current. */
  public void watched(boolean on) {
    this.watched = on;
  }

  /** The reasons for a cycle start: as known when watched, otherwise read now. */
  public Set<String> forCycle() {
    return watched ? reasons : refresh();
  }

  /** Takes reasons read elsewhere (the change watcher). */
  public void set(Set<String> now) {
    reasons = Set.copyOf(now);
  }

  /** The reasons as last read. */
  public Set<String> current() {
    return reasons;
  }

  /** Whether any reason was set when last read. */
  public boolean any() {
    return !reasons.isEmpty();
  }
}
