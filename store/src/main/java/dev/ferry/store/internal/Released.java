package dev.ferry.store.internal;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collection;
import org.jspecify.annotations.Nullable;

/**
 * Local writes released from protection before the server ordered them ({@code ferry_released}).
 *
 * <p>Own echoes are skipped because the local tables already hold the local write: protection
 * kept every remote write of its key out while it was pending. A quarantine lifts that
 * protection, so remote writes of the key may land over the local write; if the write is then
 * requeued and stored by the server (or was in flight when an operator dropped it), the server
 * orders it after them while the local tables no longer hold it. Such writes are listed here, and
 * their echo goes through the applier under the normal protection rules instead of being skipped.
 *
 * <p>An entry is taken by its echo. Entries of rows that no longer exist (dropped, and the server
 * never stored them) are pruned after the retention.
 */
public final class Released {

  private static final String MARK =
      "INSERT INTO ferry_released (seq, target, released_at)"
          + " SELECT seq, target, ?3 FROM ferry_mutations"
          + " WHERE seq = ?1 AND state IN (%s) AND (?2 IS NULL OR target = ?2)"
          + " ON CONFLICT (seq) DO UPDATE SET released_at = excluded.released_at";

  private static final String MARK_QUARANTINED = MARK.formatted("'quarantined'");

  private static final String MARK_UNACKED = MARK.formatted("'pending', 'quarantined'");

  private static final String ANY = "SELECT EXISTS (SELECT 1 FROM ferry_released WHERE target = ?)";

  private static final String TAKE = "DELETE FROM ferry_released WHERE seq = ? AND target = ?";

  private static final String PRUNE =
      "DELETE FROM ferry_released WHERE seq IN (SELECT seq FROM ferry_released WHERE target = ?1 AND released_at < ?2"
          + " AND NOT EXISTS (SELECT 1 FROM ferry_mutations m WHERE m.seq = ferry_released.seq) LIMIT ?3)";

  private Released() {}

  /** Lists the quarantined rows among {@code seqs} (of {@code target}, or of any target when null). */
  public static void markQuarantined(Tx tx, @Nullable String target, Collection<Long> seqs) throws SQLException {
    mark(tx, MARK_QUARANTINED, target, seqs);
  }

  /** Lists the pending or quarantined rows among {@code seqs}, before they are dropped. */
  public static void markUnacked(Tx tx, @Nullable String target, Collection<Long> seqs) throws SQLException {
    mark(tx, MARK_UNACKED, target, seqs);
  }

  /** Whether the target has any released write waiting for its echo. */
  public static boolean any(Tx tx, String target) throws SQLException {
    return tx.bool(ANY, target);
  }

  /** Removes the entry of local write {@code seq}; returns whether there was one (its echo must be applied). */
  public static boolean take(Tx tx, String target, long seq) throws SQLException {
    PreparedStatement ps = tx.statement(TAKE);
    ps.setLong(1, seq);
    ps.setString(2, target);
    return ps.executeUpdate() == 1;
  }

  /**
   * Deletes up to {@code limit} entries of rows that no longer exist, released before {@code
   * releasedBefore}; returns how many.
   */
  public static int prune(Tx tx, String target, long releasedBefore, int limit) throws SQLException {
    PreparedStatement ps = tx.statement(PRUNE);
    ps.setString(1, target);
    ps.setLong(2, releasedBefore);
    ps.setInt(3, limit);
    return ps.executeUpdate();
  }

  private static void mark(Tx tx, String sql, @Nullable String target, Collection<Long> seqs) throws SQLException {
    if (seqs.isEmpty()) {
      return;
    }
    PreparedStatement ps = tx.statement(sql);
    for (long seq : seqs) {
      ps.setLong(1, seq);
      ps.setString(2, target);
      ps.setLong(3, tx.now());
      ps.addBatch();
    }
    ps.executeBatch();
  }
}
