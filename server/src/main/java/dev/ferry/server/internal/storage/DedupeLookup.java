package dev.ferry.server.internal.storage;

import dev.ferry.server.AppendResult;
import dev.ferry.transport.wire.PushMutation;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jdbi.v3.core.Handle;

/**
 * Finds which pushed mutations a replica already stored, and whether the stored one is the same
 * write.
 *
 * <p>A retry sends the very same mutation again: same project, entity, entity key, op and payload
 * text (the client stores the payload verbatim and sends it verbatim). A different mutation under a
 * stored {@code client_seq} means the replica numbers its writes again from an earlier point: its
 * database was restored from an older backup or copied to another machine. Answering it {@code
 * duplicate} would let the client ack a write the server never stored; it is answered as a conflict
 * instead. The content is compared only for client seqs found stored, so a push of new mutations
 * pays nothing for it.
 */
final class DedupeLookup {

  private static final String COLUMNS =
      "SELECT client_seq, seq, project, entity, entity_key, op, payload FROM ferry_log "
          + "WHERE tenant = :tenant AND replica_id = :replica AND ";

  private static final String FIND_IN = COLUMNS + "client_seq IN (<clientSeqs>)";

  private static final String FIND_BETWEEN = COLUMNS + "client_seq BETWEEN :low AND :high";

  /** Keeps each IN list well below every database's bound-parameter limit. */
  private static final int CHUNK = 500;

  private DedupeLookup() {}

  /** A stored mutation's identity and content. */
  private record Stored(
      long clientSeq,
      long seq,
      String project,
      String entity,
      String entityKey,
      String op,
      String payload) {

    boolean sameWrite(PushMutation m) {
      return project.equals(m.project())
          && entity.equals(m.entity())
          && entityKey.equals(m.entityKey())
          && op.equals(m.op())
          && payload.equals(m.payload().json());
    }
  }

  /**
   * {@link #find}, but only when the replica is bound to {@code principal}: else nothing, so that a
   * lookup outside an append tells no other principal what the replica wrote.
   */
  static Map<Long, AppendResult.Entry> findIfBound(
      Handle h, String tenant, String principal, String replicaId, List<PushMutation> mutations) {
    if (mutations.isEmpty() || !ReplicaOwners.boundTo(h, tenant, replicaId, principal)) {
      return Map.of();
    }
    return find(h, tenant, replicaId, mutations);
  }

  /**
   * The entries of {@code mutations} whose client seq this replica already stored, by client seq: a
   * duplicate with the original seq, or a conflict when the stored mutation differs.
   */
  static Map<Long, AppendResult.Entry> find(
      Handle h, String tenant, String replicaId, List<PushMutation> mutations) {
    Map<Long, PushMutation> wanted = new HashMap<>(mutations.size() * 2);
    long low = Long.MAX_VALUE;
    long high = Long.MIN_VALUE;
    for (PushMutation m : mutations) {
      low = Math.min(low, m.clientSeq());
      high = Math.max(high, m.clientSeq());
      wanted.put(m.clientSeq(), m);
    }
    Map<Long, AppendResult.Entry> found = new HashMap<>();
    if (mutations.isEmpty()) {
      return found;
    }
    // Client seqs of one batch are usually dense, so one range scan of the dedupe index finds
    // them; a sparse batch is looked up by IN lists, so that a wide range cannot make a long scan.
    if (high - low < 4L * mutations.size()) {
      h.createQuery(FIND_BETWEEN)
          .bind("tenant", tenant)
          .bind("replica", replicaId)
          .bind("low", low)
          .bind("high", high)
          .map((rs, ctx) -> stored(rs))
          .forEach(s -> add(found, wanted, s));
      return found;
    }
    List<Long> clientSeqs = new ArrayList<>(wanted.keySet());
    for (int from = 0; from < clientSeqs.size(); from += CHUNK) {
      h.createQuery(FIND_IN)
          .bind("tenant", tenant)
          .bind("replica", replicaId)
          .bindList(
              "clientSeqs", clientSeqs.subList(from, Math.min(clientSeqs.size(), from + CHUNK)))
          .map((rs, ctx) -> stored(rs))
          .forEach(s -> add(found, wanted, s));
    }
    return found;
  }

  private static void add(
      Map<Long, AppendResult.Entry> found, Map<Long, PushMutation> wanted, Stored s) {
    PushMutation pushed = wanted.get(s.clientSeq());
    if (pushed != null) {
      found.put(
          s.clientSeq(),
          new AppendResult.Entry(s.clientSeq(), s.seq(), true, !s.sameWrite(pushed)));
    }
  }

  private static Stored stored(ResultSet rs) throws SQLException {
    return new Stored(
        rs.getLong(1),
        rs.getLong(2),
        Objects.requireNonNull(rs.getString(3)),
        Objects.requireNonNull(rs.getString(4)),
        Objects.requireNonNull(rs.getString(5)),
        Objects.requireNonNull(rs.getString(6)),
        Objects.requireNonNull(rs.getString(7)));
  }
}
