package dev.ferry.core.internal;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Lets {@code stop()} cut short a transport call of the sync thread: {@link #cancel()} interrupts
 * the thread only while it is inside {@link #call}, which {@code HttpSyncTransport} turns into a
 * prompt {@code CANCELLED}. Store writes and the host's applier are never interrupted; the cycle
 * stops at its next checkpoint instead. Thread-safe.
 */
public final class CallGuard {

  private final AtomicReference<Thread> inCall = new AtomicReference<>();
  private volatile boolean cancelled;

  /**
   * Runs one transport call.
   *
   * @throws CycleAbort {@code STOPPED} when cancelled before the call
   */
  public <T> T call(Supplier<T> call) {
    if (cancelled) {
      throw CycleAbort.STOPPED;
    }
    inCall.set(Thread.currentThread());
    try {
      // Re-checked after publishing the thread, so a cancel() in between is never missed.
      if (cancelled) {
        throw CycleAbort.STOPPED;
      }
      return call.get();
    } finally {
      inCall.set(null);
      if (cancelled) {
        // The interrupt was meant for the call; the loop sees the cancel flag instead.
        Thread.interrupted();
      }
    }
  }

  /** Cancels the call in flight, if any, and every later one. */
  public void cancel() {
    cancelled = true;
    Thread t = inCall.get();
    if (t != null) {
      t.interrupt();
    }
  }

  /** Whether {@link #cancel()} was called. */
  public boolean cancelled() {
    return cancelled;
  }
}
