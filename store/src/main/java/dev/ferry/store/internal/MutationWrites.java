package dev.ferry.store.internal;

import dev.ferry.store.Ack;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * State changes of outbox rows, shared by the fenced writer (sync loop) and the operator commands.
 * Each runs inside the caller's write transaction. Rows in an unexpected state are left alone, so
 * a late ack of a dropped row or a requeue of a pending one is a harmless no-op.
 */
public final class MutationWrites {

  private static final String ACK =
      "UPDATE ferry_mutations SET state = 'acked', server_seq = ?1, error_code = NULL, last_error = NULL"
          + " WHERE seq = ?2 AND state = 'pending' AND target = ?3";
  private static final String QUARANTINE =
      "UPDATE ferry_mutations SET state = 'quarantined', error_code = ?1, last_error = ?2"
          + " WHERE seq = ?3 AND state = 'pending' AND target = ?4";
  /** The attempt count saturates at {@code Integer.MAX_VALUE}, the largest a row maps to. */
  private static final String NOTE_RETRY =
      "UPDATE ferry_mutations SET attempts = min(attempts, 2147483646) + 1, last_error = ?1"
          + " WHERE seq = ?2 AND state = 'pending' AND target = ?3";
  private static final String REQUEUE =
      "UPDATE ferry_mutations SET state = 'pending', attempts = 0, error_code = NULL, last_error = NULL"
          + " WHERE seq = ?1 AND state = 'quarantined' AND (?2 IS NULL OR target = ?2)";
  private static final String DROP =
      "DELETE FROM ferry_mutations WHERE seq = ?1 AND state IN ('pending', 'quarantined')"
          + " AND (?2 IS NULL OR target = ?2)";
  private static final String KEY_OF =
      "SELECT target, project, entity, entity_key FROM ferry_mutations WHERE seq = ?";

  private MutationWrites() {}

  /**
   * Marks pending rows acked with their server seq; returns how many changed. Quarantined rows
   * stay quarantined until an operator acts (DESIGN section 2).
   */
  public static int ack(Tx tx, String target, Collection<Ack> acks) throws SQLException {
    if (acks.isEmpty()) {
      return 0;
    }
    PreparedStatement ps = tx.statement(ACK);
    for (Ack a : acks) {
      ps.setLong(1, a.serverSeq());
      ps.setLong(2, a.seq());
      ps.setString(3, target);
      ps.addBatch();
    }
    return sum(ps.executeBatch());
  }

  /** Quarantines a pending row; false when it is not pending (gone, acked, already quarantined). */
  public static boolean quarantine(Tx tx, String target, long seq, String code, String message)
      throws SQLException {
    PreparedStatement ps = tx.statement(QUARANTINE);
    ps.setString(1, code);
    ps.setString(2, message);
    ps.setLong(3, seq);
    ps.setString(4, target);
    if (ps.executeUpdate() != 1) {
      return false;
    }
    Released.markQuarantined(tx, target, List.of(seq));
    return true;
  }

  /** Counts a retryable refusal on pending rows. */
  public static int noteRetry(Tx tx, String target, Collection<Long> seqs, String error) throws SQLException {
    if (seqs.isEmpty()) {
      return 0;
    }
    PreparedStatement ps = tx.statement(NOTE_RETRY);
    for (long seq : seqs) {
      ps.setString(1, error);
      ps.setLong(2, seq);
      ps.setString(3, target);
      ps.addBatch();
    }
    return sum(ps.executeBatch());
  }

  /**
   * Moves quarantined rows (of {@code target}, or of any target when null) back to pending with
   * attempts reset. They stay {@link Released released}: remote writes may have landed over them
   * while they were quarantined.
   */
  public static int requeue(Tx tx, @Nullable String target, Collection<Long> seqs) throws SQLException {
    Released.markQuarantined(tx, target, seqs);
    return batchBySeq(tx, REQUEUE, target, seqs);
  }

  /**
   * Deletes pending or quarantined rows (of {@code target}, or of any target when null); acked
   * rows are the server's history and stay until pruned. A dropped row may be in flight, so it is
   * {@link Released released}: should the server store it after all, its echo is applied.
   */
  public static int drop(Tx tx, @Nullable String target, Collection<Long> seqs) throws SQLException {
    Released.markUnacked(tx, target, seqs);
    return batchBySeq(tx, DROP, target, seqs);
  }

  /** The distinct keys of the rows with these seqs that exist and belong to {@code target}. */
  public static Set<EntityKey> keysOf(Tx tx, String target, Collection<Long> seqs) throws SQLException {
    Set<EntityKey> keys = new LinkedHashSet<>();
    PreparedStatement ps = tx.statement(KEY_OF);
    for (long seq : seqs) {
      ps.setLong(1, seq);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next() && target.equals(rs.getString(1))) {
          keys.add(new EntityKey(rs.getString(2), rs.getString(3), rs.getString(4)));
        }
      }
    }
    return keys;
  }

  private static int batchBySeq(Tx tx, String sql, @Nullable String target, Collection<Long> seqs)
      throws SQLException {
    if (seqs.isEmpty()) {
      return 0;
    }
    PreparedStatement ps = tx.statement(sql);
    for (long seq : seqs) {
      ps.setLong(1, seq);
      ps.setString(2, target);
      ps.addBatch();
    }
    return sum(ps.executeBatch());
  }

  private static int sum(int[] counts) {
    int total = 0;
    for (int c : counts) {
      total += Math.max(c, 0);
    }
    return total;
  }
}
