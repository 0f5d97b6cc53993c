package dev.ferry.core.internal;

import dev.ferry.store.SyncStore;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The target's pause reasons as this manager knows them: set by the manager's own pause and resume
 * (which persist them first) and refreshed by the change watcher whenever another connection
 * commits, so another process's {@code ferry pause} takes effect within the change-check interval —
 * no later than if it had come while a cycle was in flight. Without a running watcher (run-once
 * use, or the check turned off) every cycle start reads them from the store. The cycle checks
 * {@link #any()} between batches.
 *
 * <p>Every read of the store and the update it leads to happen under this object's monitor, so
 * they are ordered: the change watcher cannot read the reasons just before a {@code pause} commits
 * and then, after the pause, put back the old set (which would let a cycle start while paused).
 * Thread-safe.
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
  public synchronized Set<String> refresh() {
    Set<String> now = Set.copyOf(store.targets().pauseReasons(target));
    reasons = now;
    return now;
  }

  /** Reads the persisted reasons; returns them when they differ from those known before, else null. */
  public synchronized @Nullable Set<String> refreshChanged() {
    Set<String> before = reasons;
    Set<String> now = refresh();
    return now.equals(before) ? null : now;
  }

  /**
   * Runs {@code action} with the reasons known now, before any later refresh can change them: for
   * status updates that must not overtake each other.
   */
  public synchronized void withCurrent(Consumer<Set<String>> action) {
    action.accept(reasons);
  }

  /** Whether the change watcher keeps the reasons current. */
  public void watched(boolean on) {
    this.watched = on;
  }

  /** The reasons for a cycle start: as known when watched, otherwise read now. */
  public Set<String> forCycle() {
    return watched ? reasons : refresh();
  }

  /** Takes reasons read elsewhere (tests). */
  public synchronized void set(Set<String> now) {
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
