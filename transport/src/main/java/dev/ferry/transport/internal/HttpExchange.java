package dev.ferry.transport.internal;

import dev.ferry.transport.TransportException;
import dev.ferry.transport.TransportException.Kind;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;

/**
 * Runs one HTTP call and reads its whole response, so that the caller's thread can be woken by an
 * interrupt or by {@code close()} at any point.
 *
 * <p>A thread blocked in a socket read ignores interrupts, and a long-poll may block for tens of
 * seconds, so the call runs on OkHttp's dispatcher and the caller waits on a future instead. An
 * interrupt cancels the call (the flag stays set); {@link CallTracker#close()} cancels it too.
 * Bodies are read in full up to a size limit, which also bounds what a gzip response may inflate
 * to.
 */
public final class HttpExchange {

  private final OkHttpClient client;
  private final CallTracker tracker;
  private final ErrorClassifier classifier;
  private final long maxResponseBytes;

  public HttpExchange(
      OkHttpClient client, CallTracker tracker, ErrorClassifier classifier, long maxResponseBytes) {
    this.client = client;
    this.tracker = tracker;
    this.classifier = classifier;
    this.maxResponseBytes = maxResponseBytes;
  }

  /**
   * Sends {@code request} and returns the complete response, whatever its status.
   *
   * @param operation names the call in messages, e.g. {@code push}
   * @param callTimeout the whole call's deadline, or zero for none
   * @throws TransportException {@code CANCELLED} on close or interrupt, {@code UNAVAILABLE} on an
   *     I/O failure or timeout, {@code PROTOCOL} when the body exceeds the size limit
   */
  public HttpResult execute(String operation, Request request, Duration callTimeout) {
    tracker.checkUsable(operation);
    Call call = client.newCall(request);
    if (!callTimeout.isZero()) {
      call.timeout().timeout(callTimeout.toNanos(), TimeUnit.NANOSECONDS);
    }
    CompletableFuture<HttpResult> result = new CompletableFuture<>();
    tracker.track(call);
    try {
      call.enqueue(new Completion(result));
      return result.get();
    } catch (InterruptedException e) {
      call.cancel();
      Thread.currentThread().interrupt();
      throw CallTracker.cancelled(operation, "the calling thread was interrupted");
    } catch (ExecutionException e) {
      throw failure(operation, call, e.getCause());
    } finally {
      tracker.untrack(call);
    }
  }

  private TransportException failure(String operation, Call call, Throwable cause) {
    if (cause instanceof BodyTooLargeException) {
      return new TransportException(
          Kind.PROTOCOL,
          operation + " response body exceeds the limit of " + maxResponseBytes + " bytes",
          null);
    }
    if (cause instanceof IOException io) {
      return classifier.fromIo(operation, io, call.isCanceled() || tracker.isClosed());
    }
    if (cause instanceof RuntimeException re) {
      throw re;
    }
    throw new IllegalStateException(operation + " failed unexpectedly", cause);
  }

  private HttpResult read(Response response) throws IOException {
    ResponseBody body = response.body();
    long declared = body.contentLength();
    if (declared > maxResponseBytes) {
      throw new BodyTooLargeException();
    }
    BufferedSource source = body.source();
    if (source.request(maxResponseBytes + 1)) {
      throw new BodyTooLargeException();
    }
    byte[] bytes = source.getBuffer().readByteArray();
    return new HttpResult(response.code(), response.headers(), bytes);
  }

  /** Completes the caller's future from OkHttp's dispatcher thread. */
  private final class Completion implements Callback {
    private final CompletableFuture<HttpResult> result;

    Completion(CompletableFuture<HttpResult> result) {
      this.result = result;
    }

    @Override
    public void onFailure(Call call, IOException e) {
      result.completeExceptionally(e);
    }

    @Override
    public void onResponse(Call call, Response response) {
      try (response) {
        result.complete(read(response));
      } catch (IOException | RuntimeException e) {
        result.completeExceptionally(e);
      } catch (Error e) {
        // Never leave the caller waiting forever, but do not swallow the error either.
        result.completeExceptionally(e);
        throw e;
      }
    }
  }

  /** The body is larger than the limit; an IOException so OkHttp's callback contract holds. */
  private static final class BodyTooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    BodyTooLargeException() {
      super("response body too large");
    }
  }
}
