package dev.ferry.store.internal;

import dev.ferry.store.ReplicaReset;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This file's replica id ({@code ferry_meta}) and the ids it used before ({@code
 * ferry_former_replica_ids}).
 *
 * <p>A replica id names a file's writes on the server, which deduplicates on {@code (replica_id,
 * client_seq)}. A file restored from a backup, or copied to a second machine, hands out client
 * seqs the server already holds under its id; it then takes a fresh id ({@link #rotate}): pending
 * writes are pushed again under the new id (their client seqs are new to the server there), rows
 * the server refused with {@code replica_conflict} go back to pending, and acked rows stay as they
 * are (their server seqs are the server's order, whatever id they were pushed under). The old id
 * is kept as a former id: a pulled mutation under it is this file's own only when a local row
 * matches it (see {@link OwnEchoes}); the other writes under it (the copy's, or the restored file's
 * lost future) are applied like remote ones.
 */
public final class ReplicaIds {

  /** The push answer code that means another history uses this replica id. */
  public static final String CONFLICT_CODE = "replica_conflict";

  private static final Logger LOG = LoggerFactory.getLogger(ReplicaIds.class);

  private static final String CURRENT = "SELECT value FROM ferry_meta WHERE key = 'replica_id'";
  private static final String SET_CURRENT = "UPDATE ferry_meta SET value = ? WHERE key = 'replica_id'";
  private static final String RETIRE =
      "INSERT INTO ferry_former_replica_ids (replica_id, retired_at, reason) VALUES (?, ?, ?)"
          + " ON CONFLICT (replica_id) DO NOTHING";
  private static final String FORMER = "SELECT replica_id FROM ferry_former_replica_ids";
  private static final String LAST_RESET =
      "SELECT replica_id, retired_at, reason, (SELECT count(*) FROM ferry_former_replica_ids)"
          + " FROM ferry_former_replica_ids ORDER BY retired_at DESC, rowid DESC LIMIT 1";
  private static final String CONFLICTED =
      "SELECT seq FROM ferry_mutations WHERE state = 'quarantined' AND error_code = '" + CONFLICT_CODE + "'";

  private ReplicaIds() {}

  /** The file's replica id as the file says now. */
  public static String current(Tx tx) throws SQLException {
    try (ResultSet rs = tx.statement(CURRENT).executeQuery()) {
      if (!rs.next()) {
        throw new IllegalStateException("ferry_meta has no replica_id");
      }
      return rs.getString(1);
    }
  }

  /** The ids this file used before, usually none. */
  public static Set<String> former(Tx tx) throws SQLException {
    Set<String> ids = new HashSet<>();
    try (ResultSet rs = tx.statement(FORMER).executeQuery()) {
      while (rs.next()) {
        ids.add(rs.getString(1));
      }
    }
    return ids;
  }

  /** The last reset, or null when the file kept its first id. */
  public static @Nullable ReplicaReset lastReset(Tx tx) throws SQLException {
    try (ResultSet rs = tx.statement(LAST_RESET).executeQuery()) {
      return rs.next() ? new ReplicaReset(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getInt(4)) : null;
    }
  }

  /**
   * Takes a fresh replica id in the caller's write transaction: the old one becomes a former id,
   * rows quarantined for {@value #CONFLICT_CODE} go back to pending.
   *
   * @return the new id
   */
  public static String rotate(Tx tx, String reason) throws SQLException {
    String old = current(tx);
    String fresh = Schema.randomUuid(tx.config().random());
    PreparedStatement retire = tx.statement(RETIRE);
    retire.setString(1, old);
    retire.setLong(2, tx.now());
    retire.setString(3, reason);
    retire.executeUpdate();
    PreparedStatement set = tx.statement(SET_CURRENT);
    set.setString(1, fresh);
    set.executeUpdate();
    List<Long> conflicted = new ArrayList<>();
    try (ResultSet rs = tx.statement(CONFLICTED).executeQuery()) {
      while (rs.next()) {
        conflicted.add(rs.getLong(1));
      }
    }
    int requeued = MutationWrites.requeue(tx, null, conflicted);
    LOG.warn("replica id {} is now {} (the old one is kept as a former id): {}; pending writes are pushed again"
        + " under the new id{}", old, fresh, reason,
        requeued == 0 ? "" : ", and " + requeued + " mutations quarantined for " + CONFLICT_CODE + " are pending again");
    return fresh;
  }
}
