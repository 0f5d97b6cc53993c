package dev.ferry.core.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sync thread: steps the {@link SyncLoop} and parks until the next deadline or a wake-up. A
 * deadline is armed as a timer on the {@link Scheduler} that unparks the thread, so the thread
 * never spins and a manual scheduler can drive it in tests. Anything a step throws is logged and the
 * thread goes on a second later: the loop never stops silently.
 */
public final class Worker {

  private static final Logger LOG = LoggerFactory.getLogger(Worker.class);
  private static final long AFTER_CRASH_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final SyncLoop loop;
  private final Scheduler scheduler;
  private final Thread thread;
  private final Runnable unpark;
  private long wakeAt = SyncLoop.NONE;
  private Scheduler.@Nullable Cancellable wakeTimer;

  public Worker(SyncLoop loop, Scheduler scheduler, String name) {
    this.loop = loop;
    this.scheduler = scheduler;
    this.thread = new Thread(this::run, name);
    this.thread.setDaemon(true);
    this.unpark = () -> LockSupport.unpark(thread);
  }

  /** Wakes the thread; allocation-free, never blocks, a no-op before {@link #start()}. */
  public void wake() {
    LockSupport.unpark(thread);
  }

  public void start() {
    thread.start();
  }

  /** Waits up to {@code nanos} for the thread to end; returns whether it did. */
  public boolean join(long nanos) throws InterruptedException {
    if (nanos > 0) {
      thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos)));
    }
    return !thread.isAlive();
  }

  /** Whether {@code t} is the sync thread. */
  public boolean is(Thread t) {
    return t == thread;
  }

  private void run() {
    while (!loop.stopping()) {
      long next;
      try {
        next = loop.step();
      } catch (Throwable t) {
        LOG.error("the sync loop failed; continuing in a second", t);
        next = scheduler.nanoTime() + AFTER_CRASH_NANOS;
      }
      if (loop.stopping()) {
        break;
      }
      parkUntil(next);
    }
    if (wakeTimer != null) {
      wakeTimer.cancel();
    }
  }

  private void parkUntil(long deadline) {
    long now = scheduler.nanoTime();
    if (deadline != SyncLoop.NONE && deadline - now <= 0) {
      return;
    }
    if (deadline != SyncLoop.NONE && (wakeTimer == null || wakeAt - now <= 0 || deadline - wakeAt < 0)) {
      if (wakeTimer != null) {
        wakeTimer.cancel();
      }
      wakeAt = deadline;
      wakeTimer = scheduler.schedule(unpark, deadline - now);
    }
    LockSupport.park(this);
    if (!loop.stopping()) {
      // A stray interrupt (e.g. meant for a cancelled call) would make every park return at once.
      Thread.interrupted();
    }
  }
}
