package dev.ferry.store;

import dev.ferry.store.internal.Checks;
import org.jspecify.annotations.Nullable;

/**
 * What {@link FencedWriter#recordCycle} persists after a cycle. The phase and outcome vocabulary
 * belongs to the sync loop; the store keeps the strings as given.
 *
 * <p>The pushed, pulled and applied totals are not part of it: the store counts them in the same
 * transactions that ack and apply, so they stay exact across crashes. A {@code failed} record adds
 * one to the failure total.
 *
 * @param phase the phase to show, e.g. {@code healthy} or {@code backoff}
 * @param outcome the cycle's outcome, e.g. {@code success}
 * @param durationMs how long the cycle took
 * @param failed whether the cycle failed (adds one to {@code total_failures})
 * @param consecutiveFailures failures in a row after this cycle (0 after a success)
 * @param backoffUntil epoch ms before which not to retry; null when not backing off
 * @param reasonCode why the phase is what it is, e.g. {@code auth_required}; null when healthy
 * @param reasonMessage human text for the reason
 * @param lastError the last error's text; null clears it
 * @param lastSyncAt epoch ms of this cycle's success; null keeps the previous value
 * @param error a classified error to append to the history (the last 10 per target are kept)
 * @param push the push side's own failures and backoff after this cycle
 * @param pull the pull side's own failures and backoff after this cycle
 */
public record CycleRecord(
    String phase,
    String outcome,
    long durationMs,
    boolean failed,
    int consecutiveFailures,
    @Nullable Long backoffUntil,
    @Nullable String reasonCode,
    @Nullable String reasonMessage,
    @Nullable String lastError,
    @Nullable Long lastSyncAt,
    @Nullable ErrorEntry error,
    BackoffState push,
    BackoffState pull) {

  /** @throws IllegalArgumentException for blank phase/outcome or negative numbers */
  public CycleRecord {
    Checks.text(phase, "phase");
    Checks.text(outcome, "outcome");
    Checks.notNegative(durationMs, "durationMs");
    Checks.notNegative(consecutiveFailures, "consecutiveFailures");
    Checks.notNull(push, "push");
    Checks.notNull(pull, "pull");
  }

  /** A record whose push and pull sides both carry {@code consecutiveFailures} and {@code backoffUntil}. */
  public CycleRecord(String phase, String outcome, long durationMs, boolean failed, int consecutiveFailures,
      @Nullable Long backoffUntil, @Nullable String reasonCode, @Nullable String reasonMessage,
      @Nullable String lastError, @Nullable Long lastSyncAt, @Nullable ErrorEntry error) {
    this(phase, outcome, durationMs, failed, consecutiveFailures, backoffUntil, reasonCode, reasonMessage, lastError,
        lastSyncAt, error, new BackoffState(Math.max(0, consecutiveFailures), backoffUntil),
        new BackoffState(Math.max(0, consecutiveFailures), backoffUntil));
  }
}
