package dev.ferry.transport.internal;

import dev.ferry.transport.TransportException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;

/**
 * Everything of one transport that {@code close()} must stop: its in-flight OkHttp calls, its
 * background tasks (token refreshes) and its retry waits.
 *
 * <p>Only calls registered here are cancelled, so closing one transport leaves other users of a
 * shared {@link okhttp3.OkHttpClient} alone. Registration and close race safely: a call registered
 * after (or while) {@link #close()} runs is cancelled by whichever side comes second.
 */
public final class CallTracker {

  private final Set<Call> calls = ConcurrentHashMap.newKeySet();
  private final Set<Future<?>> tasks = ConcurrentHashMap.newKeySet();
  private final CountDownLatch closedLatch = new CountDownLatch(1);
  private volatile boolean closed;

  /** Tracks a call until {@link #untrack(Call)}; cancels it at once when already closed. */
  public void track(Call call) {
    calls.add(call);
    if (closed) {
      call.cancel();
    }
  }

  public void untrack(Call call) {
    calls.remove(call);
  }

  /** Tracks a task until {@link #untrack(Future)}; cancels it at once when already closed. */
  public void track(Future<?> task) {
    tasks.add(task);
    if (closed) {
      task.cancel(true);
    }
  }

  public void untrack(Future<?> task) {
    tasks.remove(task);
  }

  public boolean isClosed() {
    return closed;
  }

  /**
   * Fails with {@code CANCELLED} when the transport is closed or the calling thread is interrupted
   * (the interrupt flag is left set for the caller).
   */
  public void checkUsable(String operation) {
    if (closed) {
      throw cancelled(operation, "the transport is closed");
    }
    if (Thread.currentThread().isInterrupted()) {
      throw cancelled(operation, "the calling thread was interrupted");
    }
  }

  /**
   * Waits up to {@code duration}, returning early when the transport is closed.
   *
   * @throws InterruptedException when the calling thread is interrupted
   */
  public void awaitClose(Duration duration) throws InterruptedException {
    closedLatch.await(duration.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Cancels every tracked call and task and wakes every wait. Idempotent. */
  public void close() {
    closed = true;
    closedLatch.countDown();
    for (Call call : calls) {
      call.cancel();
    }
    for (Future<?> task : tasks) {
      task.cancel(true);
    }
  }

  /** A {@code CANCELLED} failure of {@code operation} for the given reason. */
  public static TransportException cancelled(String operation, String reason) {
    return new TransportException(
        TransportException.Kind.CANCELLED, operation + " cancelled: " + reason, null);
  }
}
