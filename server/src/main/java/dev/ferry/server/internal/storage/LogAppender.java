package dev.ferry.server.internal.storage;

import dev.ferry.server.AppendResult;
import dev.ferry.transport.wire.PushMutation;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.Handle;
import org.jspecify.annotations.Nullable;

/**
 * The append algorithm shared by both databases. It must run inside a transaction that already
 * holds the tenant's append lock (SQLite: the database write lock; PostgreSQL: the tenant's
 * advisory lock): the next seq is read from the log itself, which is only correct while no other
 * appender of the tenant can commit in between, and that is also what keeps seqs in commit order.
 */
final class LogAppender {

  /** Remembers the replica's epoch unless a higher one was seen; returns a row only if allowed. */
  private static final String RECORD_EPOCH =
      "INSERT INTO ferry_replica_epochs (tenant, replica_id, max_epoch) VALUES (:tenant, :replica,"
          + " :epoch) ON CONFLICT (tenant, replica_id) DO UPDATE SET max_epoch = excluded.max_epoch"
          + " WHERE excluded.max_epoch >= ferry_replica_epochs.max_epoch RETURNING max_epoch";

  /** The replica's owner and highest epoch seen, in one round trip; a column is null when unset. */
  private static final String REPLICA_STATE =
      "SELECT (SELECT principal FROM ferry_replica_owners WHERE tenant = :tenant AND replica_id ="
          + " :replica), (SELECT max_epoch FROM ferry_replica_epochs WHERE tenant = :tenant AND"
          + " replica_id = :replica)";

  /** What an append knows about its replica before writing. */
  private record ReplicaState(@Nullable String owner, @Nullable Long seenEpoch) {}

  static final String LATEST_SEQ =
      "SELECT COALESCE(MAX(seq), 0) FROM ferry_log WHERE tenant = :tenant";

  /**
   * Positional, run through plain JDBC batching: Jdbi's per-row named binding cost as much as
   * SQLite's insert.
   */
  private static final String INSERT =
      "INSERT INTO ferry_log (tenant, seq, replica_id, client_seq, project, entity, entity_key, op,"
          + " payload, created_at, accepted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

  private LogAppender() {}

  static AppendResult append(
      Handle h,
      String tenant,
      String principal,
      String replicaId,
      long leaseEpoch,
      List<PushMutation> mutations,
      Instant acceptedAt) {
    ReplicaState state =
        h.createQuery(REPLICA_STATE)
            .bind("tenant", tenant)
            .bind("replica", replicaId)
            .map(
                (rs, ctx) -> {
                  String owner = rs.getString(1);
                  long epoch = rs.getLong(2);
                  return new ReplicaState(owner, rs.wasNull() ? null : epoch);
                })
            .one();
    // Before anything else is read: another principal learns neither the epoch nor what is stored.
    if (state.owner() != null && !state.owner().equals(principal)) {
      return new AppendResult.ReplicaForbidden();
    }
    Long seen = state.seenEpoch();
    if (seen != null && seen > leaseEpoch) {
      return new AppendResult.StaleLease(seen);
    }
    String logId = LogIdentity.ensure(h, tenant, acceptedAt.toEpochMilli());
    long latest = latestSeq(h, tenant);
    Map<Long, AppendResult.Entry> stored = DedupeLookup.find(h, tenant, replicaId, mutations);
    // Only a push that stores or deduplicates something proves a holder that writes; remembering
    // the epoch of any push would let a push of nothing fence the replica's real holder out.
    boolean writes = mutations.stream().anyMatch(m -> isWrite(stored.get(m.clientSeq())));
    if (writes) {
      recordEpoch(h, tenant, replicaId, leaseEpoch);
      if (state.owner() == null) {
        ReplicaOwners.bind(h, tenant, replicaId, principal, acceptedAt);
      }
    }
    List<AppendResult.Entry> entries = new ArrayList<>(mutations.size());
    long acceptedMillis = acceptedAt.toEpochMilli();
    try (PreparedStatement insert = h.getConnection().prepareStatement(INSERT)) {
      int rows = 0;
      for (PushMutation m : mutations) {
        AppendResult.Entry earlier = stored.get(m.clientSeq());
        if (earlier != null) {
          entries.add(earlier);
          continue;
        }
        latest++;
        entries.add(new AppendResult.Entry(m.clientSeq(), latest, false));
        insert.setString(1, tenant);
        insert.setLong(2, latest);
        insert.setString(3, replicaId);
        insert.setLong(4, m.clientSeq());
        insert.setString(5, m.project());
        insert.setString(6, m.entity());
        insert.setString(7, m.entityKey());
        insert.setString(8, m.op());
        insert.setString(9, m.payload().json());
        if (m.createdAt() == null) {
          insert.setNull(10, Types.BIGINT);
        } else {
          insert.setLong(10, m.createdAt().toEpochMilli());
        }
        insert.setLong(11, acceptedMillis);
        insert.addBatch();
        rows++;
      }
      if (rows > 0) {
        insert.executeBatch();
      }
    } catch (SQLException e) {
      throw new ConnectionException(e);
    }
    return new AppendResult.Appended(entries, latest, logId);
  }

  /** A new mutation (no earlier entry) or a retry of a stored one, as opposed to a conflict. */
  private static boolean isWrite(AppendResult.@Nullable Entry earlier) {
    return earlier == null || !earlier.conflict();
  }

  /**
   * Raises the replica's remembered epoch. Runs under the tenant's append lock right after the
   * check above, so no other append of the replica can come between and the guard always holds.
   */
  private static void recordEpoch(Handle h, String tenant, String replicaId, long leaseEpoch) {
    Optional<Long> recorded =
        h.createQuery(RECORD_EPOCH)
            .bind("tenant", tenant)
            .bind("replica", replicaId)
            .bind("epoch", leaseEpoch)
            .mapTo(Long.class)
            .findOne();
    if (recorded.isEmpty()) {
      throw new IllegalStateException("the lease epoch rose during an append holding the lock");
    }
  }

  /** Whether {@code r} stored at least one new row (so waiting readers have something new). */
  static boolean addedRows(AppendResult r) {
    return r instanceof AppendResult.Appended appended
        && appended.entries().stream().anyMatch(e -> !e.duplicate());
  }

  static long latestSeq(Handle h, String tenant) {
    return h.createQuery(LATEST_SEQ).bind("tenant", tenant).mapTo(Long.class).one();
  }
}
