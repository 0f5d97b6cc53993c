package dev.ferry.server.internal.http;

import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.io.AbstractEndPoint;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.Callback;

/**
 * Notices a client hanging up while its request waits (a parked long-poll) instead of when its
 * answer is finally written. Jetty reads nothing from an HTTP/1.1 connection while its request is
 * being handled, so a closed connection would hold its long-poll slot until the wait ends; this
 * asks the connection's endpoint to call back when it becomes readable. A well-behaved client
 * sends nothing while it waits for its answer, so readable means it hung up (or it pipelines,
 * which HTTP/1.1 clients do not do in practice): {@code gone} runs, on the selector thread, so it
 * must be quick (free the slot, hand the rest to another thread).
 * {@link #cancel()} withdraws the interest before the answer is written, so that Jetty can keep the
 * connection alive for the next request.
 */
final class HangUpWatch implements Callback {

  private static final CancellationException CANCELLED =
      new CancellationException("the request is being answered");

  private final AbstractEndPoint endPoint;
  private final Runnable gone;
  private final AtomicBoolean over = new AtomicBoolean();

  private HangUpWatch(AbstractEndPoint endPoint, Runnable gone) {
    this.endPoint = endPoint;
    this.gone = gone;
  }

  /** Starts watching; returns null when the endpoint cannot be watched (then nothing is done). */
  static HangUpWatch start(EndPoint endPoint, Runnable gone) {
    if (!(endPoint instanceof AbstractEndPoint e)) {
      return null;
    }
    HangUpWatch watch = new HangUpWatch(e, gone);
    return e.tryFillInterested(watch) ? watch : null;
  }

  /** Stops watching; a no-op once the watch has fired. */
  void cancel() {
    if (over.compareAndSet(false, true)) {
      endPoint.getFillInterest().onFail(CANCELLED);
    }
  }

  @Override
  public void succeeded() {
    if (over.compareAndSet(false, true)) {
      gone.run();
    }
  }

  @Override
  public void failed(Throwable x) {
    if (x != CANCELLED && over.compareAndSet(false, true)) {
      gone.run();
    }
  }

  @Override
  public InvocationType getInvocationType() {
    return InvocationType.NON_BLOCKING;
  }
}
