package dev.ferry.core.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.PriorityQueue;

/**
 * A {@link Scheduler} whose time moves only when a test says so: {@link #advance} runs the due
 * tasks in time order on the calling thread. {@link #clock()} is the matching wall clock, to give
 * the store the same "now". Thread-safe (a real sync thread may schedule while the test advances).
 */
public final class ManualScheduler implements Scheduler {

  /** The wall-clock time (epoch ms) at scheduler time 0. */
  public static final long EPOCH_MILLIS = 1_800_000_000_000L;

  private record Task(long at, long order, Runnable run) {}

  private final PriorityQueue<Task> tasks =
      new PriorityQueue<>((a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.order, b.order));
  private long now;
  private long order;
  private boolean shutdown;

  @Override
  public synchronized long nanoTime() {
    return now;
  }

  @Override
  public synchronized Cancellable schedule(Runnable task, long delayNanos) {
    if (shutdown) {
      return () -> {};
    }
    Task t = new Task(now + Math.max(0, delayNanos), order++, task);
    tasks.add(t);
    return () -> {
      synchronized (this) {
        tasks.remove(t);
      }
    };
  }

  @Override
  public synchronized void shutdown() {
    shutdown = true;
    tasks.clear();
  }

  /**
   * A scheduler on the same time and task queue whose {@link Scheduler#shutdown()} cancels only the
   * tasks scheduled through it: one per manager when several share a clock.
   */
  public Scheduler fork() {
    ManualScheduler parent = this;
    return new Scheduler() {
      private final java.util.Set<Cancellable> mine = java.util.concurrent.ConcurrentHashMap.newKeySet();
      private volatile boolean down;

      @Override
      public long nanoTime() {
        return parent.nanoTime();
      }

      @Override
      public Cancellable schedule(Runnable task, long delayNanos) {
        if (down) {
          return () -> {};
        }
        Cancellable[] self = new Cancellable[1];
        Cancellable c = parent.schedule(() -> {
          mine.remove(self[0]);
          task.run();
        }, delayNanos);
        self[0] = c;
        mine.add(c);
        return () -> {
          mine.remove(c);
          c.cancel();
        };
      }

      @Override
      public void shutdown() {
        down = true;
        mine.forEach(Cancellable::cancel);
        mine.clear();
      }
    };
  }

  /** Moves time forward by {@code d}, running every task that falls due on the way, in order. */
  public void advance(Duration d) {
    long target;
    synchronized (this) {
      target = now + d.toNanos();
    }
    while (true) {
      Task next;
      synchronized (this) {
        next = tasks.peek();
        if (next == null || next.at > target) {
          now = Math.max(now, target);
          return;
        }
        tasks.poll();
        now = Math.max(now, next.at);
      }
      next.run.run();
    }
  }

  /** Runs the tasks due now. */
  public void runDue() {
    advance(Duration.ZERO);
  }

  /** Sets the time to {@code nanos} (not backwards), running due tasks. */
  public void advanceTo(long nanos) {
    long delta;
    synchronized (this) {
      delta = nanos - now;
    }
    if (delta > 0) {
      advance(Duration.ofNanos(delta));
    } else {
      runDue();
    }
  }

  /** The wall clock matching this scheduler's time. */
  public Clock clock() {
    return new Clock() {
      @Override
      public long millis() {
        return EPOCH_MILLIS + nanoTime() / 1_000_000;
      }

      @Override
      public Instant instant() {
        return Instant.ofEpochMilli(millis());
      }

      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("tests use UTC");
      }
    };
  }
}
