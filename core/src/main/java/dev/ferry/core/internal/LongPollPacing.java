package dev.ferry.core.internal;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Keeps the long-poll from spinning against a server that answers it at once: one without
 * long-poll support (or with it turned off, like the reference server's {@code maxWaiters(0)})
 * returns an empty page immediately, and a full one refuses with {@code 429} and a {@code
 * Retry-After}. Either way the next long-poll waits: 1 s after the first such answer, doubling with
 * each one in a row up to the poll interval (so a server without long-poll is long-polled at most
 * once per poll interval, as the poll itself would ask), and never before a {@code Retry-After}.
 * An answer the server held, or one with mutations, ends the hold-back. A refused long-poll is not
 * a failure: cycles keep pushing and pulling meanwhile.
 *
 * <p>An answer is "at once" when it came back empty in less than half the requested wait, at most
 * 1 s: a server that holds long-polls for less than the client asks still holds them that long.
 *
 * <p>Called under the loop's cycle gate; read by the sync thread for its deadline. Thread-safe.
 */
final class LongPollPacing {

  private static final long FIRST_HOLD_BACK_NANOS = Duration.ofSeconds(1).toNanos();
  private static final long EARLY_LIMIT_NANOS = Duration.ofSeconds(1).toNanos();

  private final long waitNanos;
  private final long maxHoldBackNanos;
  private int inARow;
  private volatile boolean holding;
  private volatile long notBeforeNanos;

  /**
   * @param wait the long-poll wait asked of the server
   * @param maxHoldBack the longest hold-back (the poll interval), at least 1 s is used
   */
  LongPollPacing(Duration wait, Duration maxHoldBack) {
    this.waitNanos = wait.toNanos();
    this.maxHoldBackNanos = Math.max(FIRST_HOLD_BACK_NANOS, maxHoldBack.toNanos());
  }

  /** A long-poll came back with a page after {@code elapsedNanos}, at scheduler time {@code now}. */
  synchronized void answered(long now, long elapsedNanos, boolean empty) {
    if (empty && elapsedNanos < Math.min(waitNanos / 2, EARLY_LIMIT_NANOS)) {
      holdBack(now, 0);
    } else {
      inARow = 0;
      holding = false;
    }
  }

  /** The server refused a long-poll (429) with an optional {@code Retry-After}. */
  synchronized void refused(long now, @Nullable Duration retryAfter) {
    holdBack(now, retryAfter == null ? 0 : retryAfter.toNanos());
  }

  /** Whether no long-poll may start at {@code now}. */
  boolean heldBack(long now) {
    return holding && now - notBeforeNanos < 0;
  }

  /** The scheduler time the hold-back ends; only meaningful while {@link #heldBack}. */
  long notBeforeNanos() {
    return notBeforeNanos;
  }

  private void holdBack(long now, long floorNanos) {
    inARow = Math.min(inARow + 1, 31);
    long step = FIRST_HOLD_BACK_NANOS << (inARow - 1);
    long delay = Math.max(Math.min(step, maxHoldBackNanos), floorNanos);
    notBeforeNanos = now + delay;
    holding = true;
  }
}
