package dev.ferry.store;

import dev.ferry.store.internal.Checks;
import org.jspecify.annotations.Nullable;

/**
 * One side's (push or pull) failures in a row and the end of its backoff, as persisted with a
 * target's state, so each side keeps its own pace and a restarted manager resumes both.
 *
 * @param failures consecutive failures of this side (0 when it last succeeded)
 * @param backoffUntil epoch ms before which this side does not retry; null when not backing off
 */
public record BackoffState(int failures, @Nullable Long backoffUntil) {

  /** No failures, no backoff. */
  public static final BackoffState NONE = new BackoffState(0, null);

  /** @throws IllegalArgumentException for a negative count */
  public BackoffState {
    Checks.notNegative(failures, "failures");
  }
}
