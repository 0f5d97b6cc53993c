package dev.ferry.core.internal;

import dev.ferry.store.BackoffState;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The failures in a row and the backoff of push and of pull, each side on its own: a side that
 * fails waits out its own backoff while the other keeps its pace (local writes keep leaving while
 * pulls fail, and remote ones keep arriving while pushes fail). A failure before either side ran
 * (the lease, the database) counts for both.
 *
 * <p>Written under the loop's cycle gate only; the volatile fields are read by the sync thread for
 * scheduling.
 */
final class BackoffLanes {

  /** Which side. */
  enum Side {
    PUSH,
    PULL
  }

  private static final class Lane {
    volatile int failures;
    volatile boolean active;
    volatile long untilNanos;
    volatile @Nullable Long untilMillis;
    volatile boolean retryAfterActive;
    volatile long retryAfterUntilNanos;
  }

  private final Lane push = new Lane();
  private final Lane pull = new Lane();

  private Lane lane(Side side) {
    return side == Side.PUSH ? push : pull;
  }

  /**
   * Takes over a side's persisted state: its count, and its backoff when it has not ended at {@code
   * nowMillis}. With {@code laterOnly} an active backoff is only ever extended (a take-over must not
   * shorten what this manager already waits for).
   */
  void take(Side side, BackoffState state, long nowMillis, long nowNanos, boolean laterOnly) {
    Lane l = lane(side);
    l.failures = state.failures();
    Long until = state.backoffUntil();
    if (until != null && until > nowMillis && state.failures() > 0) {
      long untilNanos = nowNanos + Duration.ofMillis(until - nowMillis).toNanos();
      if (!laterOnly || !l.active || untilNanos - l.untilNanos > 0) {
        l.untilNanos = untilNanos;
        l.untilMillis = until;
        l.active = true;
      }
    }
  }

  /** Whether {@code side} waits out a backoff at {@code nowNanos}. */
  boolean backingOff(Side side, long nowNanos) {
    Lane l = lane(side);
    return l.active && nowNanos - l.untilNanos < 0;
  }

  /** Whether the server's {@code Retry-After} of {@code side}'s last failure has not passed: even an explicit cycle waits. */
  boolean serverAsksToWait(Side side, long nowNanos) {
    Lane l = lane(side);
    return l.retryAfterActive && nowNanos - l.retryAfterUntilNanos < 0;
  }

  /** Whether {@code side} must not run now: backing off, and not {@code force}d past it. */
  boolean held(Side side, long nowNanos, boolean force) {
    return backingOff(side, nowNanos) && (!force || serverAsksToWait(side, nowNanos));
  }

  /** The scheduler time {@code side}'s backoff ends; meaningful while it is {@link #backingOff}. */
  long untilNanos(Side side) {
    return lane(side).untilNanos;
  }

  int failures(Side side) {
    return lane(side).failures;
  }

  /** The larger of the two counts: how many times in a row the failing side failed. */
  int failures() {
    return Math.max(push.failures, pull.failures);
  }

  /** Counts one failure of {@code side}, which retries after {@code delay} (at least {@code retryAfter}). */
  void failed(Side side, int failures, Duration delay, @Nullable Duration retryAfter, long nowNanos, long nowMillis) {
    Lane l = lane(side);
    l.failures = failures;
    l.untilNanos = nowNanos + delay.toNanos();
    l.untilMillis = nowMillis + delay.toMillis();
    l.active = true;
    if (retryAfter != null) {
      l.retryAfterUntilNanos = nowNanos + retryAfter.toNanos();
    }
    l.retryAfterActive = retryAfter != null;
  }

  /** {@code side} ran and succeeded: its count and backoff are gone. */
  void succeeded(Side side) {
    Lane l = lane(side);
    l.failures = 0;
    l.active = false;
    l.untilMillis = null;
    l.retryAfterActive = false;
  }

  /** This manager no longer holds the lease: it waits for nothing of its own (the counts stay for a take-over). */
  void standDown() {
    for (Lane l : new Lane[] {push, pull}) {
      l.active = false;
      l.retryAfterActive = false;
    }
  }

  /** What to persist for {@code side}. */
  BackoffState state(Side side) {
    Lane l = lane(side);
    return l.failures == 0 ? BackoffState.NONE : new BackoffState(l.failures, l.active ? l.untilMillis : null);
  }

  /** The side still failing, the one with the most failures; null when both succeeded last. */
  @Nullable Side failing() {
    if (push.failures == 0 && pull.failures == 0) {
      return null;
    }
    return push.failures >= pull.failures ? Side.PUSH : Side.PULL;
  }
}
