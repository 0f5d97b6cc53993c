package dev.ferry.server.internal.storage;

import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Which principal a replica is bound to: the one whose push first stored or deduplicated its
 * mutations. A binding is made under the tenant's append lock, in the append's transaction, and
 * never changes, so two principals racing for one replica cannot both bind it, and a lookup
 * outside an append can trust what it reads. Replicas whose mutations were stored before bindings
 * existed have none until their next push that stores or deduplicates something.
 */
final class ReplicaOwners {

  private static final String OWNER =
      "SELECT principal FROM ferry_replica_owners WHERE tenant = :tenant AND replica_id = :replica";

  private static final String BIND =
      "INSERT INTO ferry_replica_owners (tenant, replica_id, principal, bound_at)"
          + " VALUES (:tenant, :replica, :principal, :at) ON CONFLICT (tenant, replica_id) DO NOTHING";

  private ReplicaOwners() {}

  /** The principal {@code replicaId} is bound to, if any. */
  static Optional<String> owner(Handle h, String tenant, String replicaId) {
    return h.createQuery(OWNER)
        .bind("tenant", tenant)
        .bind("replica", replicaId)
        .mapTo(String.class)
        .findOne();
  }

  /** Whether {@code replicaId} is bound to {@code principal}. */
  static boolean boundTo(Handle h, String tenant, String replicaId, String principal) {
    return owner(h, tenant, replicaId).filter(principal::equals).isPresent();
  }

  /**
   * Binds an unbound replica. Must run under the tenant's append lock after the append found it
   * unbound.
   */
  static void bind(Handle h, String tenant, String replicaId, String principal, Instant at) {
    int rows =
        h.createUpdate(BIND)
            .bind("tenant", tenant)
            .bind("replica", replicaId)
            .bind("principal", principal)
            .bind("at", at.toEpochMilli())
            .execute();
    if (rows != 1) {
      throw new IllegalStateException("the replica was bound during an append holding the lock");
    }
  }
}
