package dev.ferry.core.internal;

/**
 * Time and timers of a sync manager, injected so tests can drive a fake clock by hand. The
 * production one is {@link SystemScheduler}; every deadline in the loop is in this scheduler's
 * {@link #nanoTime()}.
 */
public interface Scheduler {

  /** A monotonic time in nanoseconds; only differences mean anything. */
  long nanoTime();

  /**
   * Runs {@code task} once, {@code delayNanos} from now, on the scheduler's thread (or, for a
   * manual scheduler, the thread that moves the time). A task that throws is logged and forgotten.
   */
  Cancellable schedule(Runnable task, long delayNanos);

  /** Cancels every timer; later {@link #schedule} calls do nothing. Idempotent. */
  void shutdown();

  /** A scheduled task that can be called off. */
  @FunctionalInterface
  interface Cancellable {
    /** Calls the task off if it has not started; a no-op afterwards. */
    void cancel();
  }
}
