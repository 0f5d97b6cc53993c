package dev.ferry.core.internal;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Scheduler} on {@link System#nanoTime()} and one daemon timer thread, created when the
 * first task is scheduled (a manager used only for {@code runOnce()} never starts it). Cancelled
 * tasks are removed at once, so an idle manager holds no garbage. Thread-safe.
 */
public final class SystemScheduler implements Scheduler {

  private static final Logger LOG = LoggerFactory.getLogger(SystemScheduler.class);
  private static final Cancellable NOTHING = () -> {};

  private final ScheduledThreadPoolExecutor executor;

  /** @param threadName the timer thread's name */
  public SystemScheduler(String threadName) {
    executor = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, threadName);
      t.setDaemon(true);
      return t;
    });
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public Cancellable schedule(Runnable task, long delayNanos) {
    try {
      ScheduledFuture<?> f = executor.schedule(() -> {
        try {
          task.run();
        } catch (RuntimeException | Error e) {
          LOG.error("a sync timer task failed", e);
        }
      }, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
      return () -> f.cancel(false);
    } catch (RejectedExecutionException e) {
      return NOTHING;
    }
  }

  @Override
  public void shutdown() {
    executor.shutdownNow();
  }
}
