package dev.ferry.store.internal;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The SQL of pruning acked rows. Candidates are found in a read transaction, oldest server seq
 * first through the state index; the write transaction then deletes exactly those rows, checking
 * again that they are acked and old enough, so the write lock is held for a time proportional to
 * the batch alone (the search may scan the recent rows still within the retention).
 */
public final class Pruning {

  /** Acked rows the cursor has passed: they cannot protect a key against anything still to come. */
  private static final String CANDIDATES =
      "SELECT seq FROM ferry_mutations WHERE target = ?1 AND state = 'acked'"
          + " AND server_seq <= (SELECT coalesce(max(last_pulled_seq), 0) FROM ferry_targets WHERE target = ?1)"
          + " AND created_at < ?2 ORDER BY server_seq LIMIT ?3";

  private static final String DELETE =
      "DELETE FROM ferry_mutations WHERE seq = ? AND state = 'acked' AND created_at < ?";

  private Pruning() {}

  /** Up to {@code limit} prunable acked rows, oldest server seq first. */
  public static List<Long> ackedCandidates(Tx tx, String target, long createdBefore, int limit) throws SQLException {
    PreparedStatement ps = tx.statement(CANDIDATES);
    ps.setString(1, target);
    ps.setLong(2, createdBefore);
    ps.setInt(3, limit);
    List<Long> seqs = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        seqs.add(rs.getLong(1));
      }
    }
    return seqs;
  }

  /** Deletes those of {@code seqs} that are still acked and created before {@code createdBefore}. */
  public static int deleteAcked(Tx tx, List<Long> seqs, long createdBefore) throws SQLException {
    PreparedStatement ps = tx.statement(DELETE);
    for (long seq : seqs) {
      ps.setLong(1, seq);
      ps.setLong(2, createdBefore);
      ps.addBatch();
    }
    int total = 0;
    for (int n : ps.executeBatch()) {
      total += Math.max(n, 0);
    }
    return total;
  }
}
