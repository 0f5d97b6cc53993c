package dev.ferry.store.internal;

import dev.ferry.store.ApplyFailedException;
import dev.ferry.store.LogReset;
import dev.ferry.store.MutationApplier;
import dev.ferry.store.TargetStore;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import org.jspecify.annotations.Nullable;

/**
 * Resets a target's synced state when the server's log was replaced or went back, inside the
 * caller's fenced write transaction. See {@link dev.ferry.store.FencedWriter#resetToLog}.
 *
 * <p>Acked local writes go back to pending, so the push sends them again (the new log may have
 * lost them; a log that kept them answers {@code duplicate}), and they are listed as {@link
 * Released released}: their echo from the new log goes through the applier, because the applier's
 * reset may have dropped what they wrote. Shadows hold seqs of the old log and are deleted: the new
 * log's writes come again with the pulls from seq 0.
 */
public final class LogResets {

  private static final String SAVEPOINT = "ferry_log_reset";

  private static final String RELEASE_ACKED =
      "INSERT INTO ferry_released (seq, target, released_at)"
          + " SELECT seq, target, ?2 FROM ferry_mutations WHERE target = ?1 AND state = 'acked'"
          + " ON CONFLICT (seq) DO UPDATE SET released_at = excluded.released_at";

  private static final String REQUEUE_ACKED =
      "UPDATE ferry_mutations SET state = 'pending', server_seq = NULL, attempts = 0, error_code = NULL,"
          + " last_error = NULL WHERE target = ? AND state = 'acked'";

  private static final String DELETE_SHADOWS = "DELETE FROM ferry_shadows WHERE target = ?";

  private static final String RESTART =
      "UPDATE ferry_targets SET last_pulled_seq = 0, server_latest_seq = ?, log_id = ?, cursor_anchor = NULL"
          + " WHERE target = ?";

  private static final String REPORT_LATEST = "UPDATE ferry_targets SET server_latest_seq = ? WHERE target = ?";

  private static final String ADOPT = "UPDATE ferry_targets SET log_id = ? WHERE target = ?";

  private static final String UNPAUSE = "DELETE FROM ferry_pause_reasons WHERE target = ? AND reason = ?";

  private LogResets() {}

  /**
   * Resets the target to the log {@code logId} whose highest seq is {@code serverLatestSeq}.
   *
   * @param hostReset true when the host says it has reset what its applier wrote (an operator's
   *     resync): the applier's hook runs only if it supports one, and a target paused with {@link
   *     TargetStore#RESYNC_REQUIRED} is resumed
   */
  public static LogReset reset(Tx tx, String target, MutationApplier applier, @Nullable String logId,
      long serverLatestSeq, boolean hostReset) throws SQLException {
    tx.handle().attach(TargetDao.class).ensure(target);
    execute(tx, "SAVEPOINT " + SAVEPOINT);
    PreparedStatement release = tx.statement(RELEASE_ACKED);
    release.setString(1, target);
    release.setLong(2, tx.now());
    release.executeUpdate();
    PreparedStatement requeue = tx.statement(REQUEUE_ACKED);
    requeue.setString(1, target);
    int requeued = requeue.executeUpdate();
    boolean reset;
    try {
      reset = applier.resetSynced(new TxApplyContext(tx.handle(), target));
    } catch (Exception e) {
      throw new ApplyFailedException(0, "applier '" + applier.id() + "' failed to reset the synced state of target "
          + target + "; nothing changed: " + e, e);
    }
    if (!reset && !hostReset) {
      execute(tx, "ROLLBACK TO " + SAVEPOINT);
      execute(tx, "RELEASE " + SAVEPOINT);
      tx.handle().attach(TargetDao.class).addPauseReason(target, TargetStore.RESYNC_REQUIRED, tx.now());
      PreparedStatement latest = tx.statement(REPORT_LATEST);
      latest.setLong(1, serverLatestSeq);
      latest.setString(2, target);
      latest.executeUpdate();
      return new LogReset(false, 0);
    }
    execute(tx, "RELEASE " + SAVEPOINT);
    PreparedStatement shadows = tx.statement(DELETE_SHADOWS);
    shadows.setString(1, target);
    shadows.executeUpdate();
    PreparedStatement restart = tx.statement(RESTART);
    restart.setLong(1, serverLatestSeq);
    restart.setString(2, logId);
    restart.setString(3, target);
    restart.executeUpdate();
    if (hostReset) {
      PreparedStatement unpause = tx.statement(UNPAUSE);
      unpause.setString(1, target);
      unpause.setString(2, TargetStore.RESYNC_REQUIRED);
      unpause.executeUpdate();
    }
    return new LogReset(true, requeued);
  }

  /** Records the log id the target's cursor counts in. */
  public static void adopt(Tx tx, String target, String logId) throws SQLException {
    tx.handle().attach(TargetDao.class).ensure(target);
    PreparedStatement adopt = tx.statement(ADOPT);
    adopt.setString(1, logId);
    adopt.setString(2, target);
    adopt.executeUpdate();
  }

  private static void execute(Tx tx, String sql) throws SQLException {
    try (Statement s = tx.connection().createStatement()) {
      s.execute(sql);
    }
  }
}
