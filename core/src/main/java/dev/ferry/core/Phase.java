package dev.ferry.core;

import java.util.Locale;
import java.util.Optional;

/**
 * What a {@link SyncManager} is doing, as shown in {@link SyncStatus} and its JSON ({@link
 * #wireName()}).
 *
 * <p>After a failed cycle the phase names where it failed ({@link #PUSH_FAILED}, {@link
 * #PULL_FAILED}) while the loop waits out its backoff; it reads {@link #BACKOFF} once the failures
 * reach {@link SyncConfig#maxConsecutiveFailures()} (retries go on at the maximum interval) and
 * after an unexpected exception ({@code internal_error}).
 */
public enum Phase {
  /** Not syncing right now: not started, stopped, waiting for the lease, or nothing happened yet. */
  IDLE,
  /** Sending pending mutations to the server. */
  PUSHING,
  /** Fetching and applying the server's mutations. */
  PULLING,
  /** The last push failed; a retry is scheduled ({@code backoff_until}). */
  PUSH_FAILED,
  /** The last pull (or apply) failed; a retry is scheduled ({@code backoff_until}). */
  PULL_FAILED,
  /** Failing repeatedly or unexpectedly; retries continue at the backoff interval. */
  BACKOFF,
  /** The last cycle succeeded. */
  HEALTHY,
  /** Paused by at least one named pause reason (e.g. an upgrade); nothing is pushed or pulled. */
  DISABLED;

  private final String wireName = name().toLowerCase(Locale.ROOT);

  /** The snake_case name used in JSON and in the database. */
  public String wireName() {
    return wireName;
  }

  /** The phase with this wire name, if any. */
  public static Optional<Phase> fromWireName(String name) {
    for (Phase p : values()) {
      if (p.wireName.equals(name)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
