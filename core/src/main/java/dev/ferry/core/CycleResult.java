package dev.ferry.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What one sync cycle did, from {@link SyncManager#syncNow()} or {@link SyncManager#runOnce()}.
 * Counts are this cycle's own (the store keeps the totals); work done before a failure stays done
 * and is counted.
 *
 * @param outcome how the cycle ended
 * @param pushed mutations the server acknowledged (accepted or duplicate) and that are now acked
 * @param quarantined mutations quarantined (refused for good, too large, or corrupt rows)
 * @param heldBack mutations left pending because the server refused their project with a retryable
 *     rejection
 * @param pulled mutations pulled above the cursor
 * @param applied mutations handed to the applier (including released shadows)
 * @param phase the phase after the cycle
 * @param reasonCode why, or null when there is nothing to say (a clean success)
 * @param reasonMessage human text for the reason, or null
 * @param leaseOwner who holds the lease: this manager's owner when it ran, the other holder for
 *     {@link Outcome#LEASE_HELD_ELSEWHERE}; null when unknown
 * @param pullSkipped whether pulling was left out: push-only configuration, or an outstanding
 *     long-poll that delivers the server's mutations anyway
 * @param backoffUntil when the next automatic retry may run after a failure, or null
 * @param duration how long the cycle took
 */
public record CycleResult(
    Outcome outcome,
    int pushed,
    int quarantined,
    int heldBack,
    int pulled,
    int applied,
    Phase phase,
    @Nullable ReasonCode reasonCode,
    @Nullable String reasonMessage,
    @Nullable String leaseOwner,
    boolean pullSkipped,
    @Nullable Instant backoffUntil,
    Duration duration) {

  /** How a cycle ended. */
  public enum Outcome {
    /** Pushed and pulled (or pushed only, when configured or covered by a long-poll) without error. */
    SUCCESS,
    /** Failed; see the reason. A retry is scheduled at {@code backoffUntil}. */
    FAILED,
    /** Skipped or cut short because a pause reason is set. */
    PAUSED,
    /** Skipped because the backoff of an earlier failure has not ended. */
    BACKING_OFF,
    /** Skipped because another process holds the lease ({@code leaseOwner}). */
    LEASE_HELD_ELSEWHERE,
    /** Stopped because the lease was lost during the cycle; nothing more was written. */
    LEASE_LOST,
    /** Cut short because the manager is stopping. */
    STOPPED;

    private final String wireName = name().toLowerCase(Locale.ROOT);

    /** The snake_case name, as persisted in {@code last_outcome}. */
    public String wireName() {
      return wireName;
    }
  }

  /** @throws IllegalArgumentException for negative counts or duration */
  public CycleResult {
    Objects.requireNonNull(outcome, "outcome must not be null");
    Objects.requireNonNull(phase, "phase must not be null");
    Objects.requireNonNull(duration, "duration must not be null");
    if (pushed < 0 || quarantined < 0 || heldBack < 0 || pulled < 0 || applied < 0) {
      throw new IllegalArgumentException("cycle counts must not be negative");
    }
    if (duration.isNegative()) {
      throw new IllegalArgumentException("duration must not be negative but was " + duration);
    }
  }

  /** Whether the cycle did its work without error. */
  public boolean succeeded() {
    return outcome == Outcome.SUCCESS;
  }
}
