package dev.ferry.core;

import dev.ferry.core.internal.StatusAssembler;
import dev.ferry.core.internal.StatusJson;
import dev.ferry.store.ErrorEntry;
import dev.ferry.store.LeaseInfo;
import dev.ferry.store.ReplicaReset;
import dev.ferry.store.SyncStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * An immutable snapshot of one target's sync status: what {@link SyncManager#status()} returns,
 * what listeners receive, and what {@link #read(SyncStore, String)} builds from the file alone for
 * a replica whose process is stopped ({@code ferry status}). {@link #toJson()} renders it with the
 * fields of DESIGN section 4 in snake_case.
 *
 * <p>Counts, cursor, lease, totals and errors always come from the store in one read transaction.
 * For a running manager, the phase, reason, last error, failure count and backoff come from the
 * manager itself (it may know more than it could persist, e.g. when it does not hold the lease);
 * read from the file, they are what the last lease holder persisted, except that a set pause reason
 * reads as phase {@code disabled}, reason {@code paused}.
 *
 * @param target the sync target
 * @param replicaId the file's replica id
 * @param readAt when the store was read (store clock)
 * @param live whether a running (or run-once) manager supplied the phase and reason
 * @param phase what the manager is doing
 * @param reasonCode why, or null
 * @param reasonMessage human text for the reason, or null
 * @param lastError the text of the last error, kept after recovery; null when none was recorded
 * @param consecutiveFailures failed cycles in a row (0 after a success)
 * @param backoffUntil no automatic retry before this, or null
 * @param lastSyncAt the last successful cycle, or null
 * @param lastOutcome the last recorded cycle outcome ({@link CycleResult.Outcome#wireName()}), or null
 * @param pendingCount pending mutations (including non-enrolled and corrupt ones)
 * @param oldestPendingCreatedAt when the oldest pending mutation was recorded, or null
 * @param quarantinedCount quarantined mutations
 * @param nonEnrolledPending pending counts of projects that are not enrolled, by project
 * @param lastPulledSeq the cursor: every server mutation up to it was handled
 * @param serverLatestSeq the server's latest seq as it reported it (below the cursor only when its log
 *     went back: a log reset, which the manager recovers from)
 * @param logId the {@code log_id} of the server log the cursor counts in; null before a server sent one
 * @param lease the lease row, or null when no process ever took it
 * @param leaseHeldByMe whether this manager holds the lease (false when read from the file)
 * @param pauseReasons the named pause reasons; sync runs only while empty
 * @param totalPushed mutations acked, all time
 * @param totalPulled mutations pulled above the cursor, all time
 * @param totalApplied mutations handed to the applier, all time
 * @param totalFailures failed cycles recorded, all time
 * @param recentErrors the last classified errors, newest first
 * @param inboundQuarantinedCount pulled mutations in the inbound quarantine ({@link
 *     dev.ferry.store.Inbox}): they could not be applied and wait for an operator
 * @param inboundQuarantinedKeys the first quarantined keys ({@code project/entity/entity_key}) with
 *     their counts
 * @param replicaReset the last time the file took a fresh replica id (restored or copied file,
 *     operator reset), or null
 */
public record SyncStatus(
    String target,
    String replicaId,
    Instant readAt,
    boolean live,
    Phase phase,
    @Nullable ReasonCode reasonCode,
    @Nullable String reasonMessage,
    @Nullable String lastError,
    int consecutiveFailures,
    @Nullable Instant backoffUntil,
    @Nullable Instant lastSyncAt,
    @Nullable String lastOutcome,
    long pendingCount,
    @Nullable Instant oldestPendingCreatedAt,
    long quarantinedCount,
    Map<String, Long> nonEnrolledPending,
    long lastPulledSeq,
    long serverLatestSeq,
    @Nullable String logId,
    @Nullable LeaseInfo lease,
    boolean leaseHeldByMe,
    Set<String> pauseReasons,
    long totalPushed,
    long totalPulled,
    long totalApplied,
    long totalFailures,
    List<ErrorEntry> recentErrors,
    long inboundQuarantinedCount,
    Map<String, Long> inboundQuarantinedKeys,
    @Nullable ReplicaReset replicaReset) {

  /**
   * Copies the collections.
   *
   * @throws IllegalArgumentException for negative counts
   * @throws NullPointerException naming a missing field
   */
  public SyncStatus {
    Objects.requireNonNull(target, "target must not be null");
    Objects.requireNonNull(replicaId, "replicaId must not be null");
    Objects.requireNonNull(readAt, "readAt must not be null");
    Objects.requireNonNull(phase, "phase must not be null");
    if (consecutiveFailures < 0 || pendingCount < 0 || quarantinedCount < 0 || lastPulledSeq < 0
        || serverLatestSeq < 0 || totalPushed < 0 || totalPulled < 0 || totalApplied < 0 || totalFailures < 0) {
      throw new IllegalArgumentException("status counts must not be negative");
    }
    nonEnrolledPending = Map.copyOf(nonEnrolledPending);
    pauseReasons = Set.copyOf(pauseReasons);
    recentErrors = List.copyOf(recentErrors);
    if (inboundQuarantinedCount < 0) {
      throw new IllegalArgumentException("status counts must not be negative");
    }
    inboundQuarantinedKeys = Map.copyOf(inboundQuarantinedKeys);
  }

  /**
   * The status of {@code target} from the file alone, for a replica whose manager is not running
   * here: the last persisted phase, reason and failures (see the class comment for pauses).
   *
   * @throws dev.ferry.store.StoreException when the store cannot be read
   */
  public static SyncStatus read(SyncStore store, String target) {
    Objects.requireNonNull(store, "store must not be null");
    return StatusAssembler.fromFile(store.status(target));
  }

  /** How old the oldest pending mutation was when the status was read; empty when none is pending. */
  public @Nullable Duration oldestPendingAge() {
    if (oldestPendingCreatedAt == null) {
      return null;
    }
    Duration age = Duration.between(oldestPendingCreatedAt, readAt);
    return age.isNegative() ? Duration.ZERO : age;
  }

  /** Whether at least one pause reason is set. */
  public boolean paused() {
    return !pauseReasons.isEmpty();
  }

  /**
   * This status as one JSON object with snake_case fields (every field present, null where
   * absent), written with the wire protocol's shared mapper; times are ISO-8601 UTC strings.
   */
  public String toJson() {
    return StatusJson.render(this);
  }
}
