package dev.ferry.core.internal;

import dev.ferry.transport.SyncTransport;
import dev.ferry.transport.wire.PullResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the loop's long-poll pulls on a thread of their own, one at a time, so the sync thread stays
 * free to push while a long-poll waits on the server: {@link SyncTransport} has no per-call cancel,
 * and a local write must not wait up to {@code longPollWait} for a pull to return.
 *
 * <p>The loop {@link #request requests} a long-poll at its cursor and gets the page (or the
 * failure) back through the delivery callback, on this thread; the loop applies it here when no
 * cycle runs (saving a hand-over to the sync thread) or hands it to the sync thread. {@link #stop()}
 * interrupts the thread only while it waits in the transport call, which the HTTP transport turns
 * into an immediate {@code CANCELLED}; a page being applied is never interrupted. Thread-safe.
 */
public final class LongPoller {

  /**
   * What one long-poll returned.
   *
   * @param since the cursor it was issued at
   * @param page the page, or null when it failed or was dropped
   * @param error the failure, or null (both null: dropped for a pause, nothing to do)
   * @param elapsedNanos how long the call took, in the loop's scheduler time
   * @param answeredAtNanos the scheduler time the call returned
   */
  public record Result(long since, @Nullable PullResponse page, @Nullable Throwable error, long elapsedNanos,
      long answeredAtNanos) {}

  private static final Logger LOG = LoggerFactory.getLogger(LongPoller.class);
  private static final long NONE = -1;

  private final SyncTransport transport;
  private final int pageSize;
  private final Duration wait;
  private final Consumer<Result> deliver;
  private final LongSupplier ticker;
  private final AtomicLong requested = new AtomicLong(NONE);
  private final Thread thread;
  private final CallGuard calls = new CallGuard();
  private final BooleanSupplier mayStart;
  private final Object callLock = new Object();
  private @Nullable Thread inCall;
  private boolean aborted;
  private volatile boolean stopped;

  /**
   * @param mayStart asked right before each call (false while paused: the call is skipped)
   * @param ticker the loop's scheduler time, to tell a held long-poll from one answered at once
   */
  public LongPoller(SyncTransport transport, int pageSize, Duration wait, Consumer<Result> deliver,
      BooleanSupplier mayStart, LongSupplier ticker, String name) {
    this.transport = transport;
    this.mayStart = mayStart;
    this.ticker = ticker;
    this.pageSize = pageSize;
    this.wait = wait;
    this.deliver = deliver;
    this.thread = new Thread(this::run, name);
    this.thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  /** Asks for a long-poll after {@code since}; the caller keeps at most one outstanding. */
  public void request(long since) {
    requested.set(since);
    LockSupport.unpark(thread);
  }

  /** Cancels the long-poll in flight and ends the thread. */
  public void stop() {
    stopped = true;
    calls.cancel();
    LockSupport.unpark(thread);
  }

  /** Waits up to {@code nanos} for the thread to end; returns whether it did. */
  public boolean join(long nanos) throws InterruptedException {
    if (nanos > 0) {
      thread.join(Math.max(1, nanos / 1_000_000));
    }
    return !thread.isAlive();
  }

  /**
   * Calls the long-poll off for the manager's pause: one in flight is interrupted (the HTTP
   * transport answers {@code CANCELLED} at once) and handed back as dropped, not failed. Together
   * with the pause check right before each call this guarantees that no long-poll starts, or
   * stays in flight, once {@code pause} has returned.
   */
  public void abort() {
    synchronized (callLock) {
      Thread t = inCall;
      if (t != null) {
        aborted = true;
        t.interrupt();
      }
    }
  }

  /** One long-poll, or a dropped result when paused or aborted; null when stopped before the call. */
  private @Nullable Result poll(long since) {
    synchronized (callLock) {
      inCall = Thread.currentThread();
      aborted = false;
    }
    long t0 = ticker.getAsLong();
    Result result;
    try {
      // Checked after publishing this thread: a pause either is seen here or sees the call and aborts it.
      if (!mayStart.getAsBoolean()) {
        return dropped(since);
      }
      PullResponse page = calls.call(() -> transport.pull(since, pageSize, wait));
      long t1 = ticker.getAsLong();
      result = new Result(since, page, null, t1 - t0, t1);
    } catch (CycleAbort stoppedBeforeTheCall) {
      return null;
    } catch (Throwable e) {
      // An Error from the transport too: it becomes the loop's failure, and this thread lives on.
      Crashes.rethrowIfFatal(e);
      long t1 = ticker.getAsLong();
      result = new Result(since, null, e, t1 - t0, t1);
    } finally {
      synchronized (callLock) {
        inCall = null;
        if (aborted) {
          // The interrupt was meant for the call only.
          Thread.interrupted();
        }
      }
    }
    boolean wasAborted;
    synchronized (callLock) {
      wasAborted = aborted;
    }
    return wasAborted && result.error() != null ? dropped(since) : result;
  }

  private static Result dropped(long since) {
    return new Result(since, null, null, 0, 0);
  }

  private void run() {
    while (!stopped) {
      long since = requested.getAndSet(NONE);
      if (since == NONE) {
        LockSupport.park(this);
        if (!stopped) {
          Thread.interrupted();
        }
        continue;
      }
      Result result = poll(since);
      if (result == null || stopped) {
        return;
      }
      try {
        deliver.accept(result);
      } catch (Throwable e) {
        Crashes.rethrowIfFatal(e);
        LOG.error("handling a long-poll result failed unexpectedly; long-polling goes on", e);
      }
    }
  }
}
