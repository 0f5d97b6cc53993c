package dev.ferry.store.internal;

import dev.ferry.store.RemoteMutation;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
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
 * otherwise.
 */
public final class Protection {

  /** Whether a pending local write or an acked one above the cursor exists at all: the fast path. */
  private static final String ANY_LOCAL =
      "SELECT EXISTS (SELECT 1 FROM ferry_mutations WHERE target = ?1 AND state = 'pending' AND server_seq IS NULL)"
          + " OR EXISTS (SELECT 1 FROM ferry_mutations WHERE target = ?1 AND state = 'acked' AND server_seq > ?2)";

  private static final String KEY_MATCH = " target = ?1 AND project = ?2 AND entity = ?3 AND entity_key = ?4";

  private static final String KEY_STATE =
      "SELECT EXISTS (SELECT 1 FROM ferry_mutations WHERE" + KEY_MATCH + " AND state = 'pending'),"
          + " (SELECT max(server_seq) FROM ferry_mutations WHERE" + KEY_MATCH + " AND state = 'acked')";

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

  private static final String SHADOW_OF_KEY =
      "SELECT " + SHADOW_COLUMNS + " FROM ferry_shadows WHERE" + KEY_MATCH;

  private static final String UNPROTECTED_SHADOWS =
      "SELECT " + SHADOW_COLUMNS + " FROM ferry_shadows s WHERE s.target = ?1 AND NOT EXISTS"
          + " (SELECT 1 FROM ferry_mutations m WHERE m.target = s.target AND m.project = s.project"
          + " AND m.entity = s.entity AND m.entity_key = s.entity_key AND m.state = 'pending')";

  private static final String DELETE_SHADOW = "DELETE FROM ferry_shadows WHERE" + KEY_MATCH;

  /** What protects one key right now. */
  public record KeyState(boolean pending, long maxAckedServerSeq) {}

  private Protection() {}

  /** False when no key of the target can be protected against mutations above {@code cursor}. */
  public static boolean anyLocal(Tx tx, String target, long cursor) throws SQLException {
    PreparedStatement ps = tx.statement(ANY_LOCAL);
    ps.setString(1, target);
    ps.setLong(2, cursor);
    try (ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  /** Whether the key has a pending local write, and the highest server seq of its acked ones (0 if none). */
  public static KeyState keyState(Tx tx, String target, String project, String entity, String entityKey)
      throws SQLException {
    PreparedStatement ps = tx.statement(KEY_STATE);
    bindKey(ps, target, project, entity, entityKey);
    try (ResultSet rs = ps.executeQuery()) {
      rs.next();
      return new KeyState(rs.getBoolean(1), rs.getLong(2));
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
    try (ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getBoolean(1);
    }
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
      if (shadow != null) {
        decide(tx, target, shadow, winners);
      }
    }
    winners.sort(Comparator.comparingLong(RemoteMutation::serverSeq));
    return winners;
  }

  /** Like {@link #resolve} for every unprotected shadow of the target (after operator drops). */
  public static List<RemoteMutation> resolveAll(Tx tx, String target) throws SQLException {
    if (!anyShadow(tx, target)) {
      return List.of();
    }
    List<RemoteMutation> unprotected = new ArrayList<>();
    PreparedStatement ps = tx.statement(UNPROTECTED_SHADOWS);
    ps.setString(1, target);
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        unprotected.add(shadow(rs));
      }
    }
    List<RemoteMutation> winners = new ArrayList<>();
    for (RemoteMutation s : unprotected) {
      decide(tx, target, s, winners);
    }
    winners.sort(Comparator.comparingLong(RemoteMutation::serverSeq));
    return winners;
  }

  private static void decide(Tx tx, String target, RemoteMutation shadow, List<RemoteMutation> winners)
      throws SQLException {
    KeyState state = keyState(tx, target, shadow.project(), shadow.entity(), shadow.entityKey());
    if (state.pending()) {
      return;
    }
    PreparedStatement delete = tx.statement(DELETE_SHADOW);
    bindKey(delete, target, shadow.project(), shadow.entity(), shadow.entityKey());
    delete.executeUpdate();
    if (shadow.serverSeq() > state.maxAckedServerSeq()) {
      winners.add(shadow);
    }
  }

  private static RemoteMutation shadow(ResultSet rs) throws SQLException {
    return new RemoteMutation(
        rs.getLong(4), rs.getString(5), rs.getLong(6), rs.getString(1), rs.getString(2), rs.getString(3),
        rs.getString(7), rs.getString(8), rs.getLong(9), rs.getLong(10));
  }

  private static void bindKey(PreparedStatement ps, String target, String project, String entity, String entityKey)
      throws SQLException {
    ps.setString(1, target);
    ps.setString(2, project);
    ps.setString(3, entity);
    ps.setString(4, entityKey);
  }
}
