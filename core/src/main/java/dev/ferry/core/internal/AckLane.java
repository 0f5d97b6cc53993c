package dev.ferry.core.internal;

import dev.ferry.store.LeaseLostException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the fenced writes for one answered push batch (ack, quarantine, retry note) on a thread of
 * its own while the sync thread reads and sends the next batch, so the local writes and the round
 * trip overlap instead of adding up. At most one batch's writes are in flight: {@link #submit}
 * first waits for the previous ones, so writes stay in batch order. The thread exits after a few
 * idle seconds, so an idle manager keeps none, and at once on {@link #shutdown()}, so a stopped one
 * keeps none either.
 *
 * <p>Used by one cycle at a time (the sync thread, under the cycle lock); not thread-safe.
 */
final class AckLane {

  private static final Logger LOG = LoggerFactory.getLogger(AckLane.class);
  private static final long IDLE_SECONDS = 5;

  private final ThreadPoolExecutor executor;
  private @Nullable Future<?> inFlight;
  private volatile @Nullable Thread thread;

  AckLane(String threadName) {
    executor = new ThreadPoolExecutor(1, 1, IDLE_SECONDS, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
      Thread t = new Thread(r, threadName);
      t.setDaemon(true);
      thread = t;
      return t;
    });
    executor.allowCoreThreadTimeOut(true);
  }

  /**
   * Waits for the previous writes (rethrowing their failure), then starts {@code writes}.
   *
   * @throws CycleAbort {@code STOPPED} after {@link #shutdown()}; {@code writes} do not run
   */
  void submit(Runnable writes) {
    await();
    try {
      inFlight = executor.submit(writes);
    } catch (RejectedExecutionException stopped) {
      throw CycleAbort.STOPPED;
    }
  }

  /**
   * For good, when the manager stops: writes already started finish (they are fenced), no new ones
   * start, and the thread ends without waiting out its idle time. Thread-safe.
   */
  void shutdown() {
    executor.shutdown();
  }

  /**
   * Waits up to {@code nanos} for the thread to end after {@link #shutdown()}; returns whether it
   * did. Called on the lane's own thread (a host's applier stopping the manager) it does not wait.
   */
  boolean awaitTermination(long nanos) throws InterruptedException {
    if (Thread.currentThread() == thread) {
      return false;
    }
    return executor.awaitTermination(Math.max(0, nanos), TimeUnit.NANOSECONDS);
  }

  /**
   * Waits for the writes in flight, without giving up on an interrupt (a fenced write is short and
   * must not be left running behind the cycle), and rethrows what they threw.
   */
  void await() {
    Future<?> f = inFlight;
    if (f == null) {
      return;
    }
    inFlight = null;
    boolean interrupted = false;
    try {
      while (true) {
        try {
          f.get();
          return;
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof RuntimeException r) {
            throw r;
          }
          if (cause instanceof Error err) {
            throw err;
          }
          throw new IllegalStateException("push acknowledgement failed", cause);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Waits for the writes in flight after the step failed with {@code failure}, and returns what the
   * step should throw: a lost lease found by the writes wins (the cycle must end as {@code
   * lease_lost}); any other failure of theirs is logged and {@code failure} is kept.
   */
  RuntimeException settleAfter(RuntimeException failure) {
    try {
      await();
    } catch (LeaseLostException lost) {
      return lost;
    } catch (RuntimeException other) {
      LOG.warn("acknowledging a pushed batch failed too: {}", other.toString());
    }
    return failure;
  }
}
