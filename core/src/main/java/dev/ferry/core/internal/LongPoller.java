package dev.ferry.core.internal;

import dev.ferry.transport.SyncTransport;
import dev.ferry.transport.wire.PullResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
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
   * @param page the page, or null when it failed
   * @param error the failure, or null
   * @param elapsedNanos how long the call took, in the loop's scheduler time
   */
  public record Result(long since, @Nullable PullResponse page, @Nullable Throwable error, long elapsedNanos) {}

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
  private volatile boolean stopped;

  /** @param ticker the loop's scheduler time, to tell a held long-poll from one answered at once */
  public LongPoller(SyncTransport transport, int pageSize, Duration wait, Consumer<Result> deliver, LongSupplier ticker,
      String name) {
    this.transport = transport;
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
      Result result;
      long t0 = ticker.getAsLong();
      try {
        PullResponse page = calls.call(() -> transport.pull(since, pageSize, wait));
        result = new Result(since, page, null, ticker.getAsLong() - t0);
      } catch (CycleAbort stoppedBeforeTheCall) {
        return;
      } catch (Throwable e) {
        // An Error from the transport too: it becomes the loop's failure, and this thread lives on.
        Crashes.rethrowIfFatal(e);
        result = new Result(since, null, e, ticker.getAsLong() - t0);
      }
      if (stopped) {
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
