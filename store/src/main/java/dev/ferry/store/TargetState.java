package dev.ferry.store;

import dev.ferry.store.internal.Checks;
import org.jspecify.annotations.Nullable;

/**
 * A target's persisted sync state: the cursor, what the last cycle left behind, and totals. A
 * target that never synced reads as {@link #initial(String)}. Fields that are null mean "never"
 * or "none".
 *
 * @param lastPulledSeq the cursor: every server mutation at or below it has been handled
 * @param serverLatestSeq the server's {@code latest_seq} as last seen
 * @param backoffUntil epoch ms before which the loop should not retry, if backing off
 * @param lastSyncAt epoch ms of the last successful cycle
 * @param lastOutcome the last cycle's outcome as the loop named it
 * @param lastDurationMs how long the last recorded cycle took
 * @param totalPushed mutations acked, counted in the ack transactions
 * @param totalPulled mutations pulled above the cursor, counted in the page transactions
 * @param totalApplied mutations handed to the applier, counted in the same transactions
 * @param totalFailures failed cycles recorded
 * @param phase the phase as last persisted, e.g. {@code healthy}
 * @param enrollment whether all projects sync or only enrolled ones
 * @param applierId the applier the target was set up with, once it has pulled (or was bound)
 * @param push the push side's own failures and backoff ({@code consecutiveFailures} and {@code
 *     backoffUntil} sum both sides up for status)
 * @param pull the pull side's own failures and backoff
 * @param logId the identity of the server log the cursor counts in ({@code log_id}), once a server
 *     answer carried one
 * @param cursorAnchor which mutation sits at the cursor, {@code replica_id/client_seq} (see {@link
 *     #anchorOf}); null at cursor 0 or before it was recorded
 */
public record TargetState(
    String target,
    long lastPulledSeq,
    long serverLatestSeq,
    int consecutiveFailures,
    @Nullable Long backoffUntil,
    @Nullable String lastError,
    @Nullable String reasonCode,
    @Nullable String reasonMessage,
    @Nullable Long lastSyncAt,
    @Nullable String lastOutcome,
    long lastDurationMs,
    long totalPushed,
    long totalPulled,
    long totalApplied,
    long totalFailures,
    String phase,
    EnrollmentMode enrollment,
    @Nullable String applierId,
    BackoffState push,
    BackoffState pull,
    @Nullable String logId,
    @Nullable String cursorAnchor) {

  /** The phase of a target nothing was recorded for. */
  public static final String INITIAL_PHASE = "idle";

  /** @throws IllegalArgumentException for negative counters or a blank target or phase */
  public TargetState {
    Checks.text(target, "target");
    Checks.notNegative(lastPulledSeq, "lastPulledSeq");
    Checks.notNegative(serverLatestSeq, "serverLatestSeq");
    Checks.notNegative(consecutiveFailures, "consecutiveFailures");
    Checks.notNegative(lastDurationMs, "lastDurationMs");
    Checks.notNegative(totalPushed, "totalPushed");
    Checks.notNegative(totalPulled, "totalPulled");
    Checks.notNegative(totalApplied, "totalApplied");
    Checks.notNegative(totalFailures, "totalFailures");
    Checks.text(phase, "phase");
    Checks.notNull(enrollment, "enrollment");
    Checks.notNull(push, "push");
    Checks.notNull(pull, "pull");
  }

  /**
   * A state whose push and pull sides both carry {@code consecutiveFailures} and {@code
   * backoffUntil} (as a file written before the sides were kept apart reads).
   */
  public TargetState(String target, long lastPulledSeq, long serverLatestSeq, int consecutiveFailures,
      @Nullable Long backoffUntil, @Nullable String lastError, @Nullable String reasonCode,
      @Nullable String reasonMessage, @Nullable Long lastSyncAt, @Nullable String lastOutcome, long lastDurationMs,
      long totalPushed, long totalPulled, long totalApplied, long totalFailures, String phase,
      EnrollmentMode enrollment, @Nullable String applierId) {
    this(target, lastPulledSeq, serverLatestSeq, consecutiveFailures, backoffUntil, lastError, reasonCode,
        reasonMessage, lastSyncAt, lastOutcome, lastDurationMs, totalPushed, totalPulled, totalApplied, totalFailures,
        phase, enrollment, applierId, new BackoffState(Math.max(0, consecutiveFailures), backoffUntil),
        new BackoffState(Math.max(0, consecutiveFailures), backoffUntil), null, null);
  }

  /** The anchor of a mutation: what a log must hold at its seq for the cursor to count in it. */
  public static String anchorOf(String replicaId, long clientSeq) {
    return replicaId + "/" + clientSeq;
  }

  /** The state of a target that never synced. */
  public static TargetState initial(String target) {
    return new TargetState(
        target, 0, 0, 0, null, null, null, null, null, null, 0, 0, 0, 0, 0, INITIAL_PHASE,
        EnrollmentMode.ALL, null, BackoffState.NONE, BackoffState.NONE, null, null);
  }
}
