package dev.ferry.core.internal;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The lock-free wake-up state between {@code notifyDirty()} and the sync loop: it coalesces
 * notifies into cycles without waiting for them to stop.
 *
 * <p>States: {@code IDLE} (nothing to do), {@code DIRTY} (notified and not yet served: a cycle is
 * due), {@code RUNNING} (a cycle runs and may still read the outbox), {@code RUNNING_DIRTY}
 * (notified while the cycle may still read). A cycle is due as soon as the state is {@code DIRTY}
 * and no cycle runs: the loop runs one cycle at a time, so at most one push per target is in
 * flight, and whatever is notified while it is in flight leaves together in the next one, right
 * after it returns. Batches thus grow with the load (group commit): a single write leaves at once,
 * a steady stream leaves about one round trip after it was written, and a burst leaves in batches
 * as large as the writes made during each round trip, up to the batch size. With a minimum
 * interval the next cycle also waits until that long after the previous one began (for metered
 * links: fewer, larger requests for that much more latency under load).
 *
 * <p>Why no wake-up is lost: the loop calls {@link #beginCycle()} <em>before</em> its cycle reads
 * the outbox, and the host notifies <em>after</em> it committed. A notify that lands before
 * {@code beginCycle} is covered by the cycle's read; one that lands while the cycle may still read
 * finds {@code RUNNING} and makes it {@code RUNNING_DIRTY}, which only the loop leaves, by {@link
 * #endCycle()} turning it into {@code DIRTY}; one that lands after the cycle's last read finds
 * {@code IDLE} and makes it {@code DIRTY} (waking the loop), which the loop serves as soon as the
 * cycle returns. The notifier changes the state only by a compare-and-set from {@code IDLE} or
 * {@code RUNNING}; every other state already guarantees a cycle after the notify.
 *
 * <p>{@link #notifyDirty()} never blocks, allocates nothing and reads no clock: a volatile read, a
 * compare-and-set only on a state change and, only on the idle-to-dirty transition, the wake
 * callback (an {@code unpark}). Thread-safe; {@link #beginCycle()}, {@link #endCycle()} and {@link
 * #dueAt(long)} are for the loop's single thread.
 */
public final class Debouncer {

  /** No deadline. */
  public static final long NONE = Long.MAX_VALUE;

  static final int IDLE = 0;
  static final int DIRTY = 1;
  static final int RUNNING = 2;
  static final int RUNNING_DIRTY = 3;

  private final AtomicInteger state = new AtomicInteger(IDLE);
  private final LongSupplier ticker;
  private final Runnable wake;
  private final long minIntervalNanos;
  private long lastBegin;

  /**
   * @param ticker the loop's nanosecond time
   * @param wake wakes the loop; called on the idle-to-dirty transition only, must not block
   * @param minInterval the shortest time from one cycle's start to the start of a cycle for
   *     notifies; zero: as soon as the previous one returned
   */
  public Debouncer(LongSupplier ticker, Runnable wake, Duration minInterval) {
    this.ticker = ticker;
    this.wake = wake;
    this.minIntervalNanos = minInterval.toNanos();
    this.lastBegin = ticker.getAsLong() - minIntervalNanos;
  }

  /** Records that something was committed to the outbox. */
  public void notifyDirty() {
    while (true) {
      int s = state.get();
      if (s == IDLE) {
        if (state.compareAndSet(IDLE, DIRTY)) {
          wake.run();
          return;
        }
      } else if (s == RUNNING) {
        if (state.compareAndSet(RUNNING, RUNNING_DIRTY)) {
          return;
        }
      } else {
        return;
      }
    }
  }

  /**
   * When the next cycle is due because of notifies: {@code now} (or the end of the minimum
   * interval) when notifies wait for a cycle, {@link #NONE} when nothing was notified or the
   * running cycle still covers them.
   */
  public long dueAt(long now) {
    if (state.get() != DIRTY) {
      return NONE;
    }
    long notBefore = lastBegin + minIntervalNanos;
    return notBefore - now > 0 ? notBefore : now;
  }

  /** Whether a notify is waiting for a cycle. */
  public boolean dirty() {
    return state.get() == DIRTY;
  }

  /** A cycle starts; it covers every notify so far. Call before the cycle reads the outbox. */
  public void beginCycle() {
    lastBegin = ticker.getAsLong();
    state.set(RUNNING);
  }

  /**
   * The cycle will not read the outbox again (its last batch is read, or it ended): notifies from
   * now on announce mutations it has not seen. Those that came since {@link #beginCycle()} make the
   * next cycle due; later ones find the loop idle and do the same. Either way it runs as soon as
   * this one returns. Called once when the last read is done and again when the cycle ends; the
   * second call changes nothing.
   *
   * @return whether notifies arrived since the cycle began while it could still read
   */
  public boolean endCycle() {
    if (state.get() == RUNNING && state.compareAndSet(RUNNING, IDLE)) {
      return false;
    }
    if (state.get() == RUNNING_DIRTY) {
      // Notifiers never leave RUNNING_DIRTY and only this thread does, so a plain write is safe.
      state.set(DIRTY);
      return true;
    }
    return false;
  }

  /** The raw state, for tests and diagnostics. */
  int state() {
    return state.get();
  }
}
