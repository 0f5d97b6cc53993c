package dev.ferry.server.internal.storage;

import dev.ferry.server.AppendResult;
import dev.ferry.transport.wire.PushMutation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * The append algorithm shared by both databases. It must run inside a transaction that already
 * holds the tenant's append lock (SQLite: the database write lock; PostgreSQL: the tenant's
 * advisory lock): the next seq is read from the log itself, which is only correct while no other
 * appender of the tenant can commit in between, and that is also what keeps seqs in commit order.
 */
final class LogAppender {

  /** Remembers the replica's epoch unless a higher one was seen; returns a row only if allowed. */
  private static final String CLAIM_EPOCH =
      "INSERT INTO ferry_replica_epochs (tenant, replica_id, max_epoch) VALUES (:tenant, :replica, :epoch) "
          + "ON CONFLICT (tenant, replica_id) DO UPDATE SET max_epoch = excluded.max_epoch "
          + "WHERE excluded.max_epoch >= ferry_replica_epochs.max_epoch RETURNING max_epoch";

  private static final String SEEN_EPOCH =
      "SELECT max_epoch FROM ferry_replica_epochs WHERE tenant = :tenant AND replica_id = :replica";

  private static final String FIND_STORED =
      "SELECT client_seq, seq FROM ferry_log "
          + "WHERE tenant = :tenant AND replica_id = :replica AND client_seq IN (<clientSeqs>)";

  static final String LATEST_SEQ = "SELECT COALESCE(MAX(seq), 0) FROM ferry_log WHERE tenant = :tenant";

  private static final String INSERT =
      "INSERT INTO ferry_log (tenant, seq, replica_id, client_seq, project, entity, entity_key, op, "
          + "payload, created_at, accepted_at) VALUES (:tenant, :seq, :replica, :clientSeq, :project, "
          + ":entity, :entityKey, :op, :payload, :createdAt, :acceptedAt)";

  /** Keeps each IN list well below every database's bound-parameter limit. */
  private static final int LOOKUP_CHUNK = 500;

  private LogAppender() {}

  static AppendResult append(
      Handle h, String tenant, String replicaId, long leaseEpoch, List<PushMutation> mutations,
      Instant acceptedAt) {
    Optional<Long> claimed =
        h.createQuery(CLAIM_EPOCH)
            .bind("tenant", tenant)
            .bind("replica", replicaId)
            .bind("epoch", leaseEpoch)
            .mapTo(Long.class)
            .findOne();
    if (claimed.isEmpty()) {
      long seen =
          h.createQuery(SEEN_EPOCH)
              .bind("tenant", tenant)
              .bind("replica", replicaId)
              .mapTo(Long.class)
              .one();
      return new AppendResult.StaleLease(seen);
    }
    long latest = latestSeq(h, tenant);
    if (mutations.isEmpty()) {
      return new AppendResult.Appended(List.of(), latest);
    }
    Map<Long, Long> stored = findStored(h, tenant, replicaId, mutations);
    List<AppendResult.Entry> entries = new ArrayList<>(mutations.size());
    PreparedBatch batch = h.prepareBatch(INSERT);
    long acceptedMillis = acceptedAt.toEpochMilli();
    for (PushMutation m : mutations) {
      Long original = stored.get(m.clientSeq());
      if (original != null) {
        entries.add(new AppendResult.Entry(m.clientSeq(), original, true));
        continue;
      }
      latest++;
      entries.add(new AppendResult.Entry(m.clientSeq(), latest, false));
      batch
          .bind("tenant", tenant)
          .bind("seq", latest)
          .bind("replica", replicaId)
          .bind("clientSeq", m.clientSeq())
          .bind("project", m.project())
          .bind("entity", m.entity())
          .bind("entityKey", m.entityKey())
          .bind("op", m.op())
          .bind("payload", m.payload().json())
          .bind("createdAt", m.createdAt() == null ? null : m.createdAt().toEpochMilli())
          .bind("acceptedAt", acceptedMillis)
          .add();
    }
    if (batch.size() > 0) {
      batch.execute();
    }
    return new AppendResult.Appended(entries, latest);
  }

  static long latestSeq(Handle h, String tenant) {
    return h.createQuery(LATEST_SEQ).bind("tenant", tenant).mapTo(Long.class).one();
  }

  private static Map<Long, Long> findStored(
      Handle h, String tenant, String replicaId, List<PushMutation> mutations) {
    Map<Long, Long> stored = new HashMap<>();
    for (int from = 0; from < mutations.size(); from += LOOKUP_CHUNK) {
      List<Long> chunk = new ArrayList<>(LOOKUP_CHUNK);
      for (PushMutation m : mutations.subList(from, Math.min(mutations.size(), from + LOOKUP_CHUNK))) {
        chunk.add(m.clientSeq());
      }
      h.createQuery(FIND_STORED)
          .bind("tenant", tenant)
          .bind("replica", replicaId)
          .bindList("clientSeqs", chunk)
          .map((rs, ctx) -> Map.entry(rs.getLong(1), rs.getLong(2)))
          .forEach(e -> stored.put(e.getKey(), e.getValue()));
    }
    return stored;
  }
}
