package dev.ferry.store.internal;

import dev.ferry.store.RemoteMutation;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Pending-write protection and the shadows of skipped remote mutations.
 *
 * <p>A remote mutation for a key (target, project, entity, entity_key) is not applied while that
 * key has a pending local mutation (the local write will land later in server order and win), and
 * not at all when an acked local mutation of the key has a higher server seq (the local write
 * already won). In the first case the remote mutation becomes the key's shadow (the newest one is
 * kept). When no pending local mutation of the key remains, the shadow is resolved: applied if its
 * server seq is above every acked local mutation of the key (the server order says it wins, e.g.
 * after a push whose response was lost comes back {@code duplicate} with a lower seq), discarded
 * otherwise. An ack discards the shadows it beats at once, so a shadow is always newer than every
 * acked local write of its key and pruning acked rows never changes a decision. The echo of a
 * {@link Released released} local write is protected like a remote mutation.
 *
 * <p>Pending keys are not indexed, so recording a mutation costs one index less: a page reads the
 * target's pending keys once (usually none, as the loop pushes before it pulls), and single-key
 * checks scan the pending rows, which only happens for keys that have a shadow.
 */
public final class Protection {

  private static final String PENDING =
      " FROM ferry_mutations WHERE target = ?1 AND state = 'pending' AND server_seq IS NULL";

  private static final String ANY_PENDING = "SELECT EXISTS (SELECT 1" + PENDING + ")";

  private static final String PENDING_KEYS = "SELECT project, entity, entity_key" + PENDING;

  private static final String KEY_PENDING =
      "SELECT EXISTS (SELECT 1" + PENDING + " AND project = ?2 AND entity = ?3 AND entity_key = ?4)";

  private static final String ANY_ACKED_ABOVE =
      "SELECT EXISTS (SELECT 1 FROM ferry_mutations WHERE target = ?1 AND state = 'acked' AND server_seq > ?2)";

  private static final String KEY_MATCH = " target = ?1 AND project = ?2 AND entity = ?3 AND entity_key = ?4";

  private static final String MAX_ACKED =
      "SELECT coalesce(max(server_seq), 0) FROM ferry_mutations WHERE" + KEY_MATCH + " AND state = 'acked'";

  private static final String SHADOW_COLUMNS =
      "project, entity, entity_key, server_seq, replica_id, client_seq, op, payload, created_at, accepted_at";

  private static final String PUT_SHADOW =
      "INSERT INTO ferry_shadows (target, " + SHADOW_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
          + " ON CONFLICT (target, project, entity, entity_key) DO UPDATE SET"
          + " server_seq = excluded.server_seq, replica_id = excluded.replica_id,"
          + " client_seq = excluded.client_seq, op = excluded.op, payload = excluded.payload,"
          + " created_at = excluded.created_at, accepted_at = excluded.accepted_at"
          + " WHERE excluded.server_seq > ferry_shadows.server_seq";

  private static final String ANY_SHADOW = "SELECT EXISTS (SELECT 1 FROM ferry_shadows WHERE target = ?1)";

  private static final String SHADOW_OF_KEY = "SELECT " + SHADOW_COLUMNS + " FROM ferry_shadows WHERE" + KEY_MATCH;

  private static final String SHADOWS = "SELECT " + SHADOW_COLUMNS + " FROM ferry_shadows WHERE target = ?1";

  private static final String DELETE_SHADOW = "DELETE FROM ferry_shadows WHERE" + KEY_MATCH;

  /** Deletes the shadow of acked row ?2's key when that row's server seq is higher. */
  private static final String DISCARD_BEATEN =
      "DELETE FROM ferry_shadows WHERE target = ?1 AND EXISTS (SELECT 1 FROM ferry_mutations m"
          + " WHERE m.seq = ?2 AND m.target = ?1 AND m.state = 'acked' AND m.project = ferry_shadows.project"
          + " AND m.entity = ferry_shadows.entity AND m.entity_key = ferry_shadows.entity_key"
          + " AND m.server_seq > ferry_shadows.server_seq)";

  private Protection() {}

  /** Whether the target has any pending local write. */
  public static boolean anyPending(Tx tx, String target) throws SQLException {
    PreparedStatement ps = tx.statement(ANY_PENDING);
    ps.setString(1, target);
    return booleanOf(ps);
  }

  /** How many pending local writes each key has, in a map the caller may change. */
  public static Map<EntityKey, Integer> pendingKeys(Tx tx, String target) throws SQLException {
    PreparedStatement ps = tx.statement(PENDING_KEYS);
    ps.setString(1, target);
    Map<EntityKey, Integer> keys = new HashMap<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        keys.merge(new EntityKey(rs.getString(1), rs.getString(2), rs.getString(3)), 1, Integer::sum);
      }
    }
    return keys;
  }

  /** Whether an acked local write has a server seq above {@code cursor}, i.e. could supersede a pulled one. */
  public static boolean anyAckedAbove(Tx tx, String target, long cursor) throws SQLException {
    PreparedStatement ps = tx.statement(ANY_ACKED_ABOVE);
    ps.setString(1, target);
    ps.setLong(2, cursor);
    return booleanOf(ps);
  }

  /** The highest server seq of the key's acked local writes, 0 when there is none. */
  public static long maxAcked(Tx tx, String target, String project, String entity, String entityKey)
      throws SQLException {
    PreparedStatement ps = tx.statement(MAX_ACKED);
    bindKey(ps, target, project, entity, entityKey);
    try (ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Keeps {@code m} as its key's shadow unless a newer one is already kept. */
  public static void putShadow(Tx tx, String target, RemoteMutation m) throws SQLException {
    PreparedStatement ps = tx.statement(PUT_SHADOW);
    ps.setString(1, target);
    ps.setString(2, m.project());
    ps.setString(3, m.entity());
    ps.setString(4, m.entityKey());
    ps.setLong(5, m.serverSeq());
    ps.setString(6, m.replicaId());
    ps.setLong(7, m.clientSeq());
    ps.setString(8, m.op());
    ps.setString(9, m.payloadJson());
    ps.setLong(10, m.createdAtMillis());
    ps.setLong(11, m.acceptedAtMillis());
    ps.executeUpdate();
  }

  /** Whether the target has any shadow. */
  public static boolean anyShadow(Tx tx, String target) throws SQLException {
    PreparedStatement ps = tx.statement(ANY_SHADOW);
    ps.setString(1, target);
    return booleanOf(ps);
  }

  /**
   * Discards the shadows that these acked rows beat in server order, whether or not their keys
   * stay protected by other pending writes. Done at ack time, so every shadow stays newer than
   * every acked local write of its key: a shadow judged later can never be applied over a write
   * that beat it, even after pruning deleted that write's row.
   */
  public static void discardBeaten(Tx tx, String target, Collection<Long> ackedSeqs) throws SQLException {
    if (ackedSeqs.isEmpty() || !anyShadow(tx, target)) {
      return;
    }
    PreparedStatement ps = tx.statement(DISCARD_BEATEN);
    for (long seq : ackedSeqs) {
      ps.setString(1, target);
      ps.setLong(2, seq);
      ps.addBatch();
    }
    ps.executeBatch();
  }

  /**
   * Resolves the shadows of these keys whose protection has lifted: deletes them and returns the
   * winners to apply, in server seq order.
   */
  public static List<RemoteMutation> resolve(Tx tx, String target, Collection<EntityKey> keys) throws SQLException {
    List<RemoteMutation> winners = new ArrayList<>();
    for (EntityKey k : keys) {
      PreparedStatement ps = tx.statement(SHADOW_OF_KEY);
      bindKey(ps, target, k.project(), k.entity(), k.entityKey());
      @Nullable RemoteMutation shadow;
      try (ResultSet rs = ps.executeQuery()) {
        shadow = rs.next() ? shadow(rs) : null;
      }
      if (shadow != null && !keyPending(tx, target, k)) {
        decide(tx, target, shadow, winners);
      }
    }
    winners.sort(Comparator.comparingLong(RemoteMutation::serverSeq));
    return winners;
  }

  /** Like {@link #resolve} for every shadow of the target (after operator drops, for instance). */
  public static List<RemoteMutation> resolveAll(Tx tx, String target) throws SQLException {
    if (!anyShadow(tx, target)) {
      return List.of();
    }
    List<RemoteMutation> shadows = new ArrayList<>();
    PreparedStatement ps = tx.statement(SHADOWS);
    ps.setString(1, target);
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        shadows.add(shadow(rs));
      }
    }
    Set<EntityKey> pending = pendingKeys(tx, target).keySet();
    List<RemoteMutation> winners = new ArrayList<>();
    for (RemoteMutation s : shadows) {
      if (!pending.contains(new EntityKey(s.project(), s.entity(), s.entityKey()))) {
        decide(tx, target, s, winners);
      }
    }
    winners.sort(Comparator.comparingLong(RemoteMutation::serverSeq));
    return winners;
  }

  static boolean keyPending(Tx tx, String target, EntityKey k) throws SQLException {
    PreparedStatement ps = tx.statement(KEY_PENDING);
    bindKey(ps, target, k.project(), k.entity(), k.entityKey());
    return booleanOf(ps);
  }

  /**
   * Deletes an unprotected shadow and keeps it as a winner unless an acked local write beat it. A
   * tie is not a loss: server seqs are unique, so an acked write with the shadow's seq is the
   * shadow itself, the echo of a {@link Released released} write.
   */
  private static void decide(Tx tx, String target, RemoteMutation shadow, List<RemoteMutation> winners)
      throws SQLException {
    PreparedStatement delete = tx.statement(DELETE_SHADOW);
    bindKey(delete, target, shadow.project(), shadow.entity(), shadow.entityKey());
    delete.executeUpdate();
    if (shadow.serverSeq() >= maxAcked(tx, target, shadow.project(), shadow.entity(), shadow.entityKey())) {
      winners.add(shadow);
    }
  }

  private static RemoteMutation shadow(ResultSet rs) throws SQLException {
    return new RemoteMutation(
        rs.getLong(4), rs.getString(5), rs.getLong(6), rs.getString(1), rs.getString(2), rs.getString(3),
        rs.getString(7), rs.getString(8), rs.getLong(9), rs.getLong(10));
  }

  private static boolean booleanOf(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  private static void bindKey(PreparedStatement ps, String target, String project, String entity, String entityKey)
      throws SQLException {
    ps.setString(1, target);
    ps.setString(2, project);
    ps.setString(3, entity);
    ps.setString(4, entityKey);
  }
}
