package dev.ferry.core.internal;

import dev.ferry.store.SyncStore;
import java.util.Set;

/**
 * The target's pause reasons as this manager knows them: read from the store at every cycle start
 * and by the change watcher (another process may pause the target), set directly by the manager's
 * own pause and resume. The cycle checks {@link #any()} between batches. Thread-safe.
 */
public final class Pauses {

  private final SyncStore store;
  private final String target;
  private volatile Set<String> reasons = Set.of();

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
