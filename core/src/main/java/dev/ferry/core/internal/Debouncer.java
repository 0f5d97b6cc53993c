package dev.ferry.core.internal;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The lock-free wake-up state between {@code notifyDirty()} and the sync loop.
 *
 * <p>States: {@code IDLE} (nothing to do), {@code IDLE_DIRTY} (notified while idle: run at once —
 * the leading edge), {@code RUNNING} (a cycle is running), {@code RUNNING_DIRTY} (notified during
 * the cycle), {@code PENDING} (the cycle ended with notifies: a follow-up runs once notifies have
 * stopped for the quiet window, but no later than the max delay after the first of them).
 *
 * <p>Why no wake-up is lost: the loop calls {@link #beginCycle()} <em>before</em> its cycle reads
 * the outbox, and the host notifies <em>after</em> it committed. A notify that lands before
 * {@code beginCycle} is covered by the cycle's read; one that lands while the cycle may still read
 * finds {@code RUNNING} and makes it {@code RUNNING_DIRTY}, which only the loop leaves, by {@link
 * #endCycle()} turning it into {@code PENDING}; one that lands after the cycle's last read finds
 * {@code IDLE} and makes it {@code IDLE_DIRTY}, which the loop serves as soon as the cycle returns.
 * The notifier changes the state only by a compare-and-set from {@code IDLE} or {@code RUNNING};
 * every other state already guarantees a cycle after the notify.
 *
 * <p>"During a cycle" thus means "while the cycle may still read the outbox": a write that lands
 * while the last batch is being sent and acked, or while the cycle pulls, is pushed right after it
 * rather than a quiet window later, and writes that keep coming while a batch is in flight still
 * end up in one follow-up batch.
 *
 * <p>{@link #notifyDirty()} never blocks and allocates nothing: a clock read, a few volatile reads,
 * a volatile write at most every 0.1 ms, a compare-and-set only on a state change and, only on the
 * idle-to-dirty transition, the wake callback (an {@code unpark}). Thread-safe; {@link #beginCycle()}, {@link #endCycle()} and {@link #dueAt(long)} are
 * for the loop's single thread.
 */
public final class Debouncer {

  /** No deadline. */
  public static final long NONE = Long.MAX_VALUE;

  static final int IDLE = 0;
  static final int IDLE_DIRTY = 1;
  static final int RUNNING = 2;
  static final int RUNNING_DIRTY = 3;
  static final int PENDING = 4;

  private static final long UNSET = Long.MIN_VALUE;

  /**
   * {@code lastNotify} is rewritten only when it moved by more than this: notifies from several
   * threads then mostly read a shared cache line instead of fighting over it, and the quiet window
   * is at most this much shorter.
   */
  private static final long RESOLUTION_NANOS = 100_000;

  private final AtomicInteger state = new AtomicInteger(IDLE);
  private final AtomicLong firstNotify = new AtomicLong(UNSET);
  private final LongSupplier ticker;
  private final Runnable wake;
  private final long quietNanos;
  private final long maxDelayNanos;
  private volatile long lastNotify;

  /**
   * @param ticker the loop's nanosecond time
   * @param wake wakes the loop; called on the idle-to-dirty transition only, must not block
   */
  public Debouncer(LongSupplier ticker, Runnable wake, Duration quietWindow, Duration maxDelay) {
    this.ticker = ticker;
    this.lastNotify = ticker.getAsLong() - 2 * RESOLUTION_NANOS;
    this.wake = wake;
    this.quietNanos = quietWindow.toNanos();
    this.maxDelayNanos = maxDelay.toNanos();
  }

  /** Records that something was committed to the outbox. */
  public void notifyDirty() {
    long now = ticker.getAsLong();
    if (now - lastNotify > RESOLUTION_NANOS) {
      lastNotify = now;
    }
    if (firstNotify.get() == UNSET) {
      firstNotify.compareAndSet(UNSET, now);
    }
    while (true) {
      int s = state.get();
      if (s == IDLE) {
        if (state.compareAndSet(IDLE, IDLE_DIRTY)) {
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
   * When the next cycle is due because of notifies: {@code now} for a notify while idle, the
   * debounced time for notifies during the last cycle, {@link #NONE} when nothing was notified.
   */
  public long dueAt(long now) {
    int s = state.get();
    if (s == IDLE_DIRTY) {
      return now;
    }
    if (s != PENDING) {
      return NONE;
    }
    long last = lastNotify;
    long first = firstNotify.get();
    if (first == UNSET || first > last) {
      first = last;
    }
    return Math.min(last + quietNanos, first + maxDelayNanos);
  }

  /** Whether a notify is waiting for a cycle. */
  public boolean dirty() {
    int s = state.get();
    return s == IDLE_DIRTY || s == PENDING;
  }

  /** A cycle starts; it covers every notify so far. Call before the cycle reads the outbox. */
  public void beginCycle() {
    firstNotify.set(UNSET);
    state.set(RUNNING);
  }

  /**
   * The cycle will not read the outbox again (its last batch is read, or it ended): notifies from
   * now on announce mutations it has not seen. Those that came since {@link #beginCycle()} make a
   * follow-up pending (quiet window, max delay); later ones find the loop idle and start the next
   * cycle as soon as this one returns. Called once when the last read is done and again when the
   * cycle ends; the second call changes nothing.
   *
   * @return whether notifies arrived since the cycle began (a follow-up is now pending)
   */
  public boolean endCycle() {
    if (state.get() == RUNNING && state.compareAndSet(RUNNING, IDLE)) {
      return false;
    }
    if (state.get() == RUNNING_DIRTY) {
      // Notifiers never leave RUNNING_DIRTY and only this thread does, so a plain write is safe.
      state.set(PENDING);
      return true;
    }
    return false;
  }

  /** The raw state, for tests and diagnostics. */
  int state() {
    return state.get();
  }
}
