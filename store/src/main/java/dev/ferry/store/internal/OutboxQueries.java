package dev.ferry.store.internal;

import dev.ferry.store.CorruptRow;
import dev.ferry.store.MutationState;
import dev.ferry.store.PendingBatch;
import dev.ferry.store.PendingMutation;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The outbox's reads, run inside a {@link Tx} so a status read can combine them in one snapshot. */
public final class OutboxQueries {

  private static final Logger LOG = LoggerFactory.getLogger(OutboxQueries.class);

  /** Pending rows of a target (server_seq IS NULL lets the state index deliver them in seq order). */
  private static final String PENDING_ROWS =
      " FROM ferry_mutations WHERE target = ?1 AND state = 'pending' AND server_seq IS NULL";

  private static final String ENROLLED_ONLY =
      " AND (coalesce((SELECT enrollment FROM ferry_targets WHERE target = ?1), 'all') = 'all'"
          + " OR project IN (SELECT project FROM ferry_enrolled WHERE target = ?1))";

  private static final String PENDING =
      "SELECT " + Rows.MUTATION_COLUMNS + PENDING_ROWS
          + " AND seq > ?2 AND project NOT IN (SELECT value FROM json_each(?3))" + ENROLLED_ONLY
          + " ORDER BY seq LIMIT ?4";

  private static final String PENDING_COUNT = "SELECT count(*)" + PENDING_ROWS;

  private static final String QUARANTINED_COUNT =
      "SELECT count(*) FROM ferry_mutations WHERE target = ?1 AND state = 'quarantined' AND server_seq IS NULL";

  private static final String OLDEST_PENDING = "SELECT min(created_at)" + PENDING_ROWS;

  private static final String NON_ENROLLED =
      "SELECT project, count(*)" + PENDING_ROWS
          + " AND coalesce((SELECT enrollment FROM ferry_targets WHERE target = ?1), 'all') = 'explicit'"
          + " AND project NOT IN (SELECT project FROM ferry_enrolled WHERE target = ?1)"
          + " GROUP BY project ORDER BY project";

  private static final String HIGHEST_SEQ =
      "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'ferry_mutations'), 0)";

  private static final String LIST =
      "SELECT " + Rows.MUTATION_COLUMNS
          + " FROM ferry_mutations WHERE target = ?1 AND state = ?2 AND seq > ?3 ORDER BY seq LIMIT ?4";

  private static final String STATE_OF_SEQ = "SELECT state FROM ferry_mutations WHERE seq = ?1";

  private OutboxQueries() {}

  /**
   * Up to {@code limit} pushable pending rows after {@code afterSeq}, skipping (and reporting)
   * corrupt rows, held-back projects and, in explicit enrollment, projects not enrolled.
   */
  public static PendingBatch pending(Tx tx, String target, long afterSeq, int limit, Set<String> heldBack)
      throws SQLException {
    List<PendingMutation> ok = new ArrayList<>(Math.min(limit, 1024));
    List<CorruptRow> corrupt = new ArrayList<>();
    String heldBackJson = JsonArrays.ofStrings(heldBack);
    PreparedStatement ps = tx.statement(PENDING);
    long after = afterSeq;
    while (ok.size() < limit) {
      int want = limit - ok.size();
      int scanned = 0;
      ps.setString(1, target);
      ps.setLong(2, after);
      ps.setString(3, heldBackJson);
      ps.setInt(4, want);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          scanned++;
          PendingMutation m = Rows.mutation(rs);
          after = m.seq();
          String why = Rows.corruption(m);
          if (why == null) {
            ok.add(m);
          } else {
            corrupt.add(new CorruptRow(m.seq(), why));
          }
        }
      }
      if (scanned < want) {
        break;
      }
    }
    if (!corrupt.isEmpty()) {
      LOG.warn("outbox of target {} has {} corrupt pending rows, skipped: {}", target, corrupt.size(), corrupt);
    }
    return new PendingBatch(ok, corrupt);
  }

  /** Pending rows of the target, including non-enrolled and corrupt ones. */
  public static long pendingCount(Tx tx, String target) throws SQLException {
    return longOf(tx, PENDING_COUNT, target);
  }

  /** Quarantined rows of the target. */
  public static long quarantinedCount(Tx tx, String target) throws SQLException {
    return longOf(tx, QUARANTINED_COUNT, target);
  }

  /** The oldest pending {@code created_at}, or null when nothing is pending. */
  public static @Nullable Long oldestPendingCreatedAt(Tx tx, String target) throws SQLException {
    PreparedStatement ps = tx.statement(OLDEST_PENDING);
    ps.setString(1, target);
    try (ResultSet rs = ps.executeQuery()) {
      rs.next();
      return Rows.nullableLong(rs, 1);
    }
  }

  /** Pending counts by project for projects that are not enrolled (empty unless enrollment is explicit). */
  public static Map<String, Long> nonEnrolledPendingByProject(Tx tx, String target) throws SQLException {
    PreparedStatement ps = tx.statement(NON_ENROLLED);
    ps.setString(1, target);
    Map<String, Long> counts = new LinkedHashMap<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        counts.put(rs.getString(1), rs.getLong(2));
      }
    }
    return counts;
  }

  /** The highest seq ever handed out (pruning does not lower it). */
  public static long highestSeq(Tx tx) throws SQLException {
    try (ResultSet rs = tx.statement(HIGHEST_SEQ).executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Rows of one state in seq order, as stored. */
  public static List<PendingMutation> list(Tx tx, String target, MutationState state, long afterSeq, int limit)
      throws SQLException {
    PreparedStatement ps = tx.statement(LIST);
    ps.setString(1, target);
    ps.setString(2, state.wireName());
    ps.setLong(3, afterSeq);
    ps.setInt(4, limit);
    List<PendingMutation> rows = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        rows.add(Rows.mutation(rs));
      }
    }
    return rows;
  }

  /** The state of each seq that exists, in the order given; a missing seq has no entry. */
  public static Map<Long, MutationState> states(Tx tx, List<Long> seqs) throws SQLException {
    PreparedStatement ps = tx.statement(STATE_OF_SEQ);
    Map<Long, MutationState> states = new LinkedHashMap<>();
    for (long seq : seqs) {
      ps.setLong(1, seq);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          states.put(seq, MutationState.fromWireName(rs.getString(1)));
        }
      }
    }
    return states;
  }

  private static long longOf(Tx tx, String sql, String target) throws SQLException {
    PreparedStatement ps = tx.statement(sql);
    ps.setString(1, target);
    try (ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
