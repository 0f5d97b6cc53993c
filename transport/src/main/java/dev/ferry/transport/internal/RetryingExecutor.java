package dev.ferry.transport.internal;

import dev.ferry.transport.Sleeper;
import dev.ferry.transport.TransportException;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one request with resilience4j-retry: only transient kinds are retried, at most {@code
 * maxAttempts} attempts, jittered waits that honour {@code Retry-After} up to a cap; a longer
 * {@code Retry-After} is handed to the caller at once instead of slept.
 *
 * <p>resilience4j decides whether and how long to wait (through its {@link Retry.AsyncContext},
 * which returns the interval instead of sleeping), but the wait itself happens here, through the
 * transport's {@link Sleeper}: the synchronous resilience4j context sleeps with a JVM-wide static
 * hook that can be neither injected per transport nor woken by {@code close()}. Waits end early on
 * {@code close()} and fail {@code CANCELLED} on interrupt, with the flag restored.
 */
public final class RetryingExecutor {

  private static final Logger LOG = LoggerFactory.getLogger(RetryingExecutor.class);

  private final Retry retry;
  private final Sleeper sleeper;
  private final CallTracker tracker;

  /**
   * @param maxAttempts attempts per request, at least 1
   * @param maxRetryAfter the longest {@code Retry-After} that is slept; longer ones end the request
   */
  public RetryingExecutor(
      String name,
      int maxAttempts,
      Duration maxRetryAfter,
      JitteredBackoff backoff,
      Sleeper sleeper,
      CallTracker tracker) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("max attempts must be at least 1");
    }
    IntervalBiFunction<Object> interval =
        (failures, outcome) -> backoff.delayMillis(failures, retryAfterOf(outcome.swap().getOrNull()));
    RetryConfig config =
        RetryConfig.custom()
            .maxAttempts(maxAttempts)
            .retryOnException(e -> isRetryable(e, maxRetryAfter))
            .intervalBiFunction(interval)
            .build();
    this.retry = Retry.of(name, config);
    this.sleeper = sleeper;
    this.tracker = tracker;
  }

  /**
   * Runs {@code attempt} until it succeeds, fails with a kind that is not retried, or the attempts
   * are used up; then returns its result or throws its last failure.
   *
   * @throws TransportException the last attempt's failure, or {@code CANCELLED}
   */
  public <T> T execute(String operation, Supplier<T> attempt) {
    Retry.AsyncContext<Object> context = retry.asyncContext();
    int attemptNo = 1;
    while (true) {
      tracker.checkUsable(operation);
      TransportException failure;
      try {
        T result = attempt.get();
        context.onComplete();
        return result;
      } catch (TransportException e) {
        failure = e;
      }
      long waitMillis = context.onError(failure);
      if (waitMillis < 0) {
        throw failure;
      }
      LOG.debug(
          "{} attempt {} failed ({}, HTTP {}); retrying in {} ms",
          operation,
          attemptNo,
          failure.kind(),
          failure.httpStatus(),
          waitMillis);
      await(operation, Duration.ofMillis(waitMillis));
      attemptNo++;
    }
  }

  private void await(String operation, Duration wait) {
    try {
      sleeper.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw CallTracker.cancelled(operation, "interrupted while waiting to retry");
    }
    if (tracker.isClosed()) {
      throw CallTracker.cancelled(operation, "the transport was closed while waiting to retry");
    }
  }

  private static boolean isRetryable(Throwable e, Duration maxRetryAfter) {
    if (!(e instanceof TransportException te) || !te.kind().isTransient()) {
      return false;
    }
    Optional<Duration> retryAfter = te.retryAfter();
    return retryAfter.isEmpty() || retryAfter.get().compareTo(maxRetryAfter) <= 0;
  }

  private static Optional<Duration> retryAfterOf(Throwable e) {
    return e instanceof TransportException te ? te.retryAfter() : Optional.empty();
  }
}
