package dev.ferry.core.internal;

import dev.ferry.store.SyncStore;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prunes the outbox from the sync loop: after a successful cycle, at most once a minute (once a
 * second while a backlog remains), it deletes acked rows past the cursor and the retention ({@link
 * dev.ferry.store.Outbox#pruneStep}) in small batches for at most {@value #BUDGET_MILLIS} ms.
 *
 * <p>Batch size: a host write that finds a batch holding the write lock waits in SQLite's busy
 * handler, which retries after 1, 2, 5, 10, 15, 20 ms… so it gets the lock within a few ms of the
 * batch's end. Keeping each batch's step under {@value #TARGET_MILLIS} ms and pausing {@value
 * #PAUSE_MILLIS} ms between batches bounds the stall of a host write well below 50 ms. The batch
 * adapts to the machine: it starts at {@value #START_BATCH} rows (about 3 ms measured on a loaded
 * 2-core machine with the two outbox indexes), halves when a step took longer than the target and
 * doubles, up to {@value #MAX_BATCH}, when it took less than a quarter of it. Errors are logged and
 * the next attempt waits for the next interval: pruning never fails a cycle.
 *
 * <p>Sync thread only (called under the cycle gate).
 */
final class Pruner {

  private static final Logger LOG = LoggerFactory.getLogger(Pruner.class);

  static final long BUDGET_MILLIS = 200;
  static final long TARGET_MILLIS = 10;
  static final long PAUSE_MILLIS = 25;
  static final int START_BATCH = 500;
  static final int MIN_BATCH = 16;
  static final int MAX_BATCH = 4_000;
  private static final long INTERVAL_NANOS = Duration.ofMinutes(1).toNanos();
  private static final long BACKLOG_INTERVAL_NANOS = Duration.ofSeconds(1).toNanos();

  private final SyncStore store;
  private final String target;
  private final LongSupplier schedulerNanos;
  private final LongSupplier realNanos;
  private final Runnable pause;
  private long nextAtNanos;
  private int batch = START_BATCH;

  /**
   * @param schedulerNanos the loop's time, for the interval
   * @param realNanos real time, for what a batch costs (a manual test clock would not see it)
   * @param pause waits between batches
   */
  Pruner(SyncStore store, String target, LongSupplier schedulerNanos, LongSupplier realNanos, Runnable pause) {
    this.store = store;
    this.target = target;
    this.schedulerNanos = schedulerNanos;
    this.realNanos = realNanos;
    this.pause = pause;
    this.nextAtNanos = schedulerNanos.getAsLong();
  }

  /** The production pruner: real time for costs, a real pause between batches. */
  static Pruner of(SyncStore store, String target, Scheduler scheduler) {
    return new Pruner(store, target, scheduler::nanoTime, System::nanoTime,
        () -> LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(PAUSE_MILLIS)));
  }

  /** After a successful cycle: prunes when due. */
  void afterSuccess() {
    if (schedulerNanos.getAsLong() - nextAtNanos < 0) {
      return;
    }
    boolean more = false;
    int total = 0;
    long start = realNanos.getAsLong();
    long deadline = start + TimeUnit.MILLISECONDS.toNanos(BUDGET_MILLIS);
    try {
      do {
        if (more) {
          pause.run();
        }
        long t0 = realNanos.getAsLong();
        int n = store.outbox().pruneStep(target, batch);
        long took = realNanos.getAsLong() - t0;
        total += n;
        more = n == batch;
        adapt(took);
      } while (more && realNanos.getAsLong() - deadline < 0 && !Thread.currentThread().isInterrupted());
    } catch (RuntimeException e) {
      LOG.warn("pruning the outbox of target {} failed; tried again later: {}", target, e.toString());
      more = false;
    }
    if (total > 0) {
      LOG.debug("pruned {} acked mutations of target {} in {} ms{}", total, target,
          TimeUnit.NANOSECONDS.toMillis(realNanos.getAsLong() - start), more ? ", more to go" : "");
    }
    nextAtNanos = schedulerNanos.getAsLong() + (more ? BACKLOG_INTERVAL_NANOS : INTERVAL_NANOS);
  }

  /** The batch size now. */
  int batch() {
    return batch;
  }

  private void adapt(long tookNanos) {
    long target = TimeUnit.MILLISECONDS.toNanos(TARGET_MILLIS);
    if (tookNanos > target) {
      batch = Math.max(MIN_BATCH, batch / 2);
    } else if (tookNanos < target / 4) {
      batch = Math.min(MAX_BATCH, batch * 2);
    }
  }
}
