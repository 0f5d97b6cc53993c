package dev.ferry.store;

import dev.ferry.store.internal.Checks;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Everything the file says about one target, read in one read transaction (so the numbers agree
 * with each other) and from the file alone: {@code ferry status} on a stopped replica shows this.
 *
 * @param replicaId this file's replica id
 * @param readAtMillis when it was read (store clock), for computing ages
 * @param state the persisted sync state and cursor
 * @param lease the lease row, or null when no process ever took it
 * @param pendingCount pending mutations, including non-enrolled and corrupt ones
 * @param oldestPendingCreatedAt the oldest pending mutation's {@code created_at}; null when none
 * @param quarantinedCount quarantined mutations
 * @param nonEnrolledPending pending counts of projects that are not enrolled (explicit enrollment only)
 * @param enrolledProjects the enrolled projects (meaningful in explicit enrollment)
 * @param pauseReasons the named pause reasons; sync runs only while empty
 * @param recentErrors the last classified errors, newest first
 * @param inboundQuarantinedCount pulled mutations in the inbound quarantine ({@link Inbox})
 * @param inboundQuarantinedKeys the first {@value #MAX_KEYS_SHOWN} quarantined keys ({@code
 *     project/entity/entity_key}) with their counts
 * @param replicaReset the last time the file took a fresh replica id, or null
 */
public record StoreStatus(
    String replicaId,
    long readAtMillis,
    TargetState state,
    @Nullable LeaseInfo lease,
    long pendingCount,
    @Nullable Long oldestPendingCreatedAt,
    long quarantinedCount,
    Map<String, Long> nonEnrolledPending,
    Set<String> enrolledProjects,
    Set<String> pauseReasons,
    List<ErrorEntry> recentErrors,
    long inboundQuarantinedCount,
    Map<String, Long> inboundQuarantinedKeys,
    @Nullable ReplicaReset replicaReset) {

  /** How many quarantined keys a status names at most. */
  public static final int MAX_KEYS_SHOWN = 20;

  /** Copies the collections; @throws IllegalArgumentException for negative counts */
  public StoreStatus {
    Checks.text(replicaId, "replicaId");
    Checks.notNull(state, "state");
    Checks.notNegative(pendingCount, "pendingCount");
    Checks.notNegative(quarantinedCount, "quarantinedCount");
    nonEnrolledPending = Map.copyOf(nonEnrolledPending);
    enrolledProjects = Set.copyOf(enrolledProjects);
    pauseReasons = Set.copyOf(pauseReasons);
    recentErrors = List.copyOf(recentErrors);
    Checks.notNegative(inboundQuarantinedCount, "inboundQuarantinedCount");
    inboundQuarantinedKeys = Map.copyOf(inboundQuarantinedKeys);
  }

  /** The target this status is about. */
  public String target() {
    return state.target();
  }
}
