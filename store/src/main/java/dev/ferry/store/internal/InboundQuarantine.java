package dev.ferry.store.internal;

import dev.ferry.store.InboundMutation;
import dev.ferry.store.RemoteMutation;
import dev.ferry.store.UnmappableMutation;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The SQL of the inbound quarantine ({@code ferry_inbound_quarantine}) and of failed apply
 * attempts ({@code ferry_inbound_attempts}), run inside the caller's transaction.
 */
public final class InboundQuarantine {

  private static final String COLUMNS = "target, server_seq, replica_id, client_seq, project, entity, entity_key, op,"
      + " payload, created_at, accepted_at, error_code, error, attempts, quarantined_at, newer_seq";

  private static final String PUT =
      "INSERT INTO ferry_inbound_quarantine (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)"
          + " ON CONFLICT (target, server_seq) DO UPDATE SET error_code = excluded.error_code,"
          + " error = excluded.error, attempts = excluded.attempts";
  private static final String ANY = "SELECT EXISTS (SELECT 1 FROM ferry_inbound_quarantine WHERE target = ?)";
  private static final String COUNT = "SELECT count(*) FROM ferry_inbound_quarantine WHERE target = ?";
  private static final String LIST =
      "SELECT " + COLUMNS + " FROM ferry_inbound_quarantine WHERE target = ? AND server_seq > ?"
          + " ORDER BY server_seq LIMIT ?";
  private static final String GET = "SELECT " + COLUMNS + " FROM ferry_inbound_quarantine WHERE target = ? AND server_seq = ?";
  private static final String KEYS =
      "SELECT project, entity, entity_key, count(*) FROM ferry_inbound_quarantine WHERE target = ?"
          + " GROUP BY project, entity, entity_key ORDER BY project, entity, entity_key LIMIT ?";
  private static final String ALL_KEYS =
      "SELECT DISTINCT project, entity, entity_key FROM ferry_inbound_quarantine WHERE target = ?";
  private static final String MARK_NEWER =
      "UPDATE ferry_inbound_quarantine SET newer_seq = max(coalesce(newer_seq, 0), ?5)"
          + " WHERE target = ?1 AND project = ?2 AND entity = ?3 AND entity_key = ?4 AND server_seq < ?5";
  private static final String DELETE = "DELETE FROM ferry_inbound_quarantine WHERE target = ? AND server_seq = ?";
  private static final String FAIL_RETRY =
      "UPDATE ferry_inbound_quarantine SET error = ?, attempts = min(attempts, 2147483646) + 1"
          + " WHERE target = ? AND server_seq = ?";

  private static final String RECORD_ATTEMPT =
      "INSERT INTO ferry_inbound_attempts (target, server_seq, attempts, error_kind, last_error, updated_at)"
          + " VALUES (?1, ?2, 1, ?3, ?4, ?5) ON CONFLICT (target, server_seq) DO UPDATE SET"
          + " attempts = CASE WHEN error_kind = excluded.error_kind THEN min(attempts, 2147483646) + 1 ELSE 1 END,"
          + " error_kind = excluded.error_kind, last_error = excluded.last_error, updated_at = excluded.updated_at"
          + " RETURNING attempts";
  private static final String ANY_ATTEMPTS = "SELECT EXISTS (SELECT 1 FROM ferry_inbound_attempts WHERE target = ?)";
  private static final String CLEAR_ATTEMPTS_UP_TO =
      "DELETE FROM ferry_inbound_attempts WHERE target = ? AND server_seq <= ?";
  private static final String CLEAR_ATTEMPT = "DELETE FROM ferry_inbound_attempts WHERE target = ? AND server_seq = ?";
  private static final String DROP_SHADOW =
      "DELETE FROM ferry_shadows WHERE target = ? AND project = ? AND entity = ? AND entity_key = ? AND server_seq = ?";

  private InboundQuarantine() {}

  /** Quarantines a mutation that failed to apply; its attempts row and a shadow holding it go. */
  public static void put(Tx tx, String target, RemoteMutation m, String code, String error, int attempts)
      throws SQLException {
    insert(tx, target, m.serverSeq(), m.replicaId(), m.clientSeq(), m.project(), m.entity(), m.entityKey(), m.op(),
        m.payloadJson(), m.createdAtMillis(), m.acceptedAtMillis(), code, error, attempts);
    PreparedStatement shadow = tx.statement(DROP_SHADOW);
    shadow.setString(1, target);
    shadow.setString(2, m.project());
    shadow.setString(3, m.entity());
    shadow.setString(4, m.entityKey());
    shadow.setLong(5, m.serverSeq());
    shadow.executeUpdate();
  }

  /** Quarantines a mutation that could not be mapped. */
  public static void put(Tx tx, String target, UnmappableMutation m, String code) throws SQLException {
    insert(tx, target, m.serverSeq(), m.replicaId(), m.clientSeq(), m.project(), m.entity(), m.entityKey(), m.op(),
        m.payloadJson(), m.createdAtMillis(), m.acceptedAtMillis(), code, m.reason(), 0);
  }

  private static void insert(Tx tx, String target, long serverSeq, String replicaId, long clientSeq, String project,
      String entity, String key, String op, String payload, long createdAt, long acceptedAt, String code,
      String error, int attempts) throws SQLException {
    PreparedStatement ps = tx.statement(PUT);
    ps.setString(1, target);
    ps.setLong(2, serverSeq);
    ps.setString(3, replicaId);
    ps.setLong(4, clientSeq);
    ps.setString(5, project);
    ps.setString(6, entity);
    ps.setString(7, key);
    ps.setString(8, op);
    ps.setString(9, payload);
    ps.setLong(10, createdAt);
    ps.setLong(11, acceptedAt);
    ps.setString(12, code);
    ps.setString(13, error);
    ps.setInt(14, attempts);
    ps.setLong(15, tx.now());
    ps.executeUpdate();
    clearAttempt(tx, target, serverSeq);
  }

  /** Whether the target has anything quarantined. */
  public static boolean any(Tx tx, String target) throws SQLException {
    return tx.bool(ANY, target);
  }

  /** How many mutations of the target are quarantined. */
  public static long count(Tx tx, String target) throws SQLException {
    PreparedStatement ps = tx.statement(COUNT);
    ps.setString(1, target);
    try (ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Quarantined mutations after {@code afterSeq}, in server order. */
  public static List<InboundMutation> list(Tx tx, String target, long afterSeq, int limit) throws SQLException {
    PreparedStatement ps = tx.statement(LIST);
    ps.setString(1, target);
    ps.setLong(2, afterSeq);
    ps.setInt(3, limit);
    List<InboundMutation> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(read(rs));
      }
    }
    return out;
  }

  /** One quarantined mutation. */
  public static Optional<InboundMutation> get(Tx tx, String target, long serverSeq) throws SQLException {
    PreparedStatement ps = tx.statement(GET);
    ps.setString(1, target);
    ps.setLong(2, serverSeq);
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(read(rs)) : Optional.empty();
    }
  }

  /** The first {@code limit} quarantined keys ({@code project/entity/entity_key}) with their counts. */
  public static Map<String, Long> keys(Tx tx, String target, int limit) throws SQLException {
    PreparedStatement ps = tx.statement(KEYS);
    ps.setString(1, target);
    ps.setInt(2, limit);
    Map<String, Long> keys = new TreeMap<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        keys.put(rs.getString(1) + "/" + rs.getString(2) + "/" + rs.getString(3), rs.getLong(4));
      }
    }
    return keys;
  }

  /** Every quarantined key of the target. */
  public static Set<EntityKey> allKeys(Tx tx, String target) throws SQLException {
    PreparedStatement ps = tx.statement(ALL_KEYS);
    ps.setString(1, target);
    Set<EntityKey> keys = new HashSet<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        keys.add(new EntityKey(rs.getString(1), rs.getString(2), rs.getString(3)));
      }
    }
    return keys;
  }

  /** A later write of the key was handled: quarantined ones before it lose in server order. */
  public static void markNewer(Tx tx, String target, EntityKey key, long serverSeq) throws SQLException {
    PreparedStatement ps = tx.statement(MARK_NEWER);
    ps.setString(1, target);
    ps.setString(2, key.project());
    ps.setString(3, key.entity());
    ps.setString(4, key.entityKey());
    ps.setLong(5, serverSeq);
    ps.executeUpdate();
  }

  /** Removes a quarantined mutation; whether it was there. */
  public static boolean delete(Tx tx, String target, long serverSeq) throws SQLException {
    PreparedStatement ps = tx.statement(DELETE);
    ps.setString(1, target);
    ps.setLong(2, serverSeq);
    return ps.executeUpdate() == 1;
  }

  /** A retry failed: the new error, one attempt more. */
  public static void failedAgain(Tx tx, String target, long serverSeq, String error) throws SQLException {
    PreparedStatement ps = tx.statement(FAIL_RETRY);
    ps.setString(1, error);
    ps.setString(2, target);
    ps.setLong(3, serverSeq);
    ps.executeUpdate();
  }

  /**
   * Counts a failed attempt to apply {@code serverSeq}; a failure of another kind than the last
   * starts the count again.
   *
   * @return the attempts so far, this one included
   */
  public static int recordAttempt(Tx tx, String target, long serverSeq, String kind, String error)
      throws SQLException {
    PreparedStatement ps = tx.statement(RECORD_ATTEMPT);
    ps.setString(1, target);
    ps.setLong(2, serverSeq);
    ps.setString(3, kind);
    ps.setString(4, error);
    ps.setLong(5, tx.now());
    try (ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /** Forgets failed attempts at or below the cursor: those mutations were applied, or went elsewhere. */
  public static void clearAttemptsUpTo(Tx tx, String target, long cursor) throws SQLException {
    if (!tx.bool(ANY_ATTEMPTS, target)) {
      return;
    }
    PreparedStatement ps = tx.statement(CLEAR_ATTEMPTS_UP_TO);
    ps.setString(1, target);
    ps.setLong(2, cursor);
    ps.executeUpdate();
  }

  private static void clearAttempt(Tx tx, String target, long serverSeq) throws SQLException {
    PreparedStatement ps = tx.statement(CLEAR_ATTEMPT);
    ps.setString(1, target);
    ps.setLong(2, serverSeq);
    ps.executeUpdate();
  }

  private static InboundMutation read(ResultSet rs) throws SQLException {
    return new InboundMutation(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getLong(4), rs.getString(5),
        rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getLong(10), rs.getLong(11),
        rs.getString(12), rs.getString(13), rs.getInt(14), rs.getLong(15), Rows.nullableLong(rs, 16));
  }
}
