package dev.ferry.store.internal;

import dev.ferry.store.StoreConfig;

/**
 * How the store's writer waits for the write lock: the configured bound, {@code busyTimeout ×
 * (lockRetries + 1)}, in slices of SQLite busy timeout with the thread's interrupt flag checked
 * between them. SQLite's busy wait does not notice interrupts, so one long wait would keep a sync
 * thread that is being stopped blocked for the whole bound (20 s with the defaults); sliced, it
 * gives up within one slice.
 *
 * @param sliceMillis the writer connection's busy timeout
 * @param retries further {@code BEGIN IMMEDIATE} attempts after the first
 */
record WriterWait(long sliceMillis, int retries) {

  /** The longest uninterrupted wait, unless the bound needs longer slices to stay within 101 attempts. */
  static final long SLICE_MILLIS = 250;

  /** {@link dev.ferry.store.ImmediateTransactionHandler} allows up to 100 retries. */
  private static final int MAX_ATTEMPTS = 101;

  static WriterWait of(StoreConfig config) {
    long total = config.busyTimeout().toMillis() * (config.lockRetries() + 1L);
    long slice = Math.max(SLICE_MILLIS, ceilDiv(total, MAX_ATTEMPTS));
    int attempts = (int) ceilDiv(total, slice);
    return new WriterWait(slice, attempts - 1);
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }
}
