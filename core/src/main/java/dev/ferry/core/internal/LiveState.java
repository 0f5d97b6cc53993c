package dev.ferry.core.internal;

import dev.ferry.core.Phase;
import dev.ferry.core.ReasonCode;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What a running manager knows about itself beyond the file: the part of the status the sync loop
 * owns. Immutable; {@link StatusTracker} swaps whole values.
 *
 * @param backoffUntilMillis wall-clock end of the current backoff, or null
 * @param lastSyncAtMillis wall-clock time of the last success seen by this manager, or null
 * @param leaseHeldByMe whether this manager held the lease when it last looked
 * @param serverLatestSeq the highest {@code latest_seq} the server reported to this manager
 */
public record LiveState(
    Phase phase,
    @Nullable ReasonCode reasonCode,
    @Nullable String reasonMessage,
    @Nullable String lastError,
    int consecutiveFailures,
    @Nullable Long backoffUntilMillis,
    @Nullable Long lastSyncAtMillis,
    boolean leaseHeldByMe,
    long serverLatestSeq,
    Set<String> pauseReasons) {

  /** @throws NullPointerException for a missing phase or pause set */
  public LiveState {
    Objects.requireNonNull(phase, "phase");
    pauseReasons = Set.copyOf(pauseReasons);
  }

  /** Nothing known yet. */
  public static LiveState initial() {
    return new LiveState(Phase.IDLE, null, null, null, 0, null, null, false, 0, Set.of());
  }

  public LiveState withPhase(Phase p, @Nullable ReasonCode code, @Nullable String message) {
    return new LiveState(p, code, message, lastError, consecutiveFailures, backoffUntilMillis, lastSyncAtMillis,
        leaseHeldByMe, serverLatestSeq, pauseReasons);
  }

  public LiveState withPhaseOnly(Phase p) {
    return withPhase(p, reasonCode, reasonMessage);
  }

  public LiveState withLease(boolean held) {
    return new LiveState(phase, reasonCode, reasonMessage, lastError, consecutiveFailures, backoffUntilMillis,
        lastSyncAtMillis, held, serverLatestSeq, pauseReasons);
  }

  public LiveState withServerLatest(long seq) {
    return new LiveState(phase, reasonCode, reasonMessage, lastError, consecutiveFailures, backoffUntilMillis,
        lastSyncAtMillis, leaseHeldByMe, Math.max(serverLatestSeq, seq), pauseReasons);
  }

  /** The server's latest seq exactly as reported, also when it went down (its log was reset). */
  public LiveState withServerLatestReported(long seq) {
    return new LiveState(phase, reasonCode, reasonMessage, lastError, consecutiveFailures, backoffUntilMillis,
        lastSyncAtMillis, leaseHeldByMe, seq, pauseReasons);
  }

  public LiveState withPauses(Set<String> reasons) {
    return new LiveState(phase, reasonCode, reasonMessage, lastError, consecutiveFailures, backoffUntilMillis,
        lastSyncAtMillis, leaseHeldByMe, serverLatestSeq, reasons);
  }

  public LiveState withFailures(int failures, @Nullable Long backoffUntil, @Nullable String error) {
    return new LiveState(phase, reasonCode, reasonMessage, error, failures, backoffUntil, lastSyncAtMillis,
        leaseHeldByMe, serverLatestSeq, pauseReasons);
  }

  /**
   * Waiting for a lease {@code message} says is held elsewhere: phase {@code idle}, reason {@code
   * lease_held_elsewhere}, and none of the failure fields, which belong to whoever syncs (a
   * manager taking the lease over continues from what the file says then).
   */
  public LiveState waitingForLease(String message) {
    return new LiveState(Phase.IDLE, ReasonCode.LEASE_HELD_ELSEWHERE, message, null, 0, null, lastSyncAtMillis, false,
        serverLatestSeq, pauseReasons);
  }

  public LiveState withSuccess(long syncAtMillis) {
    return new LiveState(phase, reasonCode, reasonMessage, lastError, 0, null, syncAtMillis, leaseHeldByMe,
        serverLatestSeq, pauseReasons);
  }
}
