package dev.ferry.store.internal;

import dev.ferry.store.BackoffState;
import dev.ferry.store.EnrollmentMode;
import dev.ferry.store.ErrorEntry;
import dev.ferry.store.TargetState;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;
import org.jspecify.annotations.Nullable;

/** Per-target state, enrollment, pause reasons and error history. */
@RegisterRowMapper(TargetDao.StateMapper.class)
@RegisterRowMapper(TargetDao.ErrorMapper.class)
public interface TargetDao {

  /** How many errors of a target the history keeps. */
  int ERROR_HISTORY = 10;

  @SqlUpdate("INSERT OR IGNORE INTO ferry_targets (target) VALUES (:target)")
  void ensure(@Bind("target") String target);

  @SqlQuery("SELECT * FROM ferry_targets WHERE target = :target")
  Optional<TargetState> state(@Bind("target") String target);

  // Totals saturate at Long.MAX_VALUE: SQLite would turn an overflowing sum into a float.
  @SqlUpdate("UPDATE ferry_targets SET total_pushed = min(total_pushed, 9223372036854775807 - :n) + :n"
      + " WHERE target = :target")
  void addPushed(@Bind("target") String target, @Bind("n") long acked);

  @SqlUpdate("UPDATE ferry_targets SET enrollment = :mode WHERE target = :target")
  void setEnrollment(@Bind("target") String target, @Bind("mode") String mode);

  @SqlUpdate("INSERT OR IGNORE INTO ferry_enrolled (target, project) VALUES (:target, :project)")
  int enroll(@Bind("target") String target, @Bind("project") String project);

  @SqlUpdate("DELETE FROM ferry_enrolled WHERE target = :target AND project = :project")
  int unenroll(@Bind("target") String target, @Bind("project") String project);

  @SqlQuery("SELECT project FROM ferry_enrolled WHERE target = :target ORDER BY project")
  Set<String> enrolled(@Bind("target") String target);

  @SqlUpdate("INSERT OR IGNORE INTO ferry_pause_reasons (target, reason, added_at) VALUES (:target, :reason, :now)")
  int addPauseReason(@Bind("target") String target, @Bind("reason") String reason, @Bind("now") long now);

  @SqlUpdate("DELETE FROM ferry_pause_reasons WHERE target = :target AND reason = :reason")
  int removePauseReason(@Bind("target") String target, @Bind("reason") String reason);

  @SqlQuery("SELECT reason FROM ferry_pause_reasons WHERE target = :target ORDER BY reason")
  Set<String> pauseReasons(@Bind("target") String target);

  @SqlUpdate("UPDATE ferry_targets SET applier_id = :id WHERE target = :target")
  void bindApplier(@Bind("target") String target, @Bind("id") String applierId);

  @SqlUpdate("UPDATE ferry_targets SET phase = :phase, last_outcome = :outcome, last_duration_ms = :durationMs,"
      + " total_failures = min(total_failures, 9223372036854775807 - :failed) + :failed,"
      + " consecutive_failures = :consecutiveFailures,"
      + " backoff_until = :backoffUntil, reason_code = :reasonCode, reason_message = :reasonMessage,"
      + " last_error = :lastError, last_sync_at = coalesce(:lastSyncAt, last_sync_at),"
      + " push_failures = :pushFailures, push_backoff_until = :pushBackoffUntil,"
      + " pull_failures = :pullFailures, pull_backoff_until = :pullBackoffUntil"
      + " WHERE target = :target")
  void recordCycle(
      @Bind("target") String target,
      @Bind("phase") String phase,
      @Bind("outcome") String outcome,
      @Bind("durationMs") long durationMs,
      @Bind("failed") int failed,
      @Bind("consecutiveFailures") int consecutiveFailures,
      @Bind("backoffUntil") @Nullable Long backoffUntil,
      @Bind("reasonCode") @Nullable String reasonCode,
      @Bind("reasonMessage") @Nullable String reasonMessage,
      @Bind("lastError") @Nullable String lastError,
      @Bind("lastSyncAt") @Nullable Long lastSyncAt,
      @Bind("pushFailures") int pushFailures,
      @Bind("pushBackoffUntil") @Nullable Long pushBackoffUntil,
      @Bind("pullFailures") int pullFailures,
      @Bind("pullBackoffUntil") @Nullable Long pullBackoffUntil);

  @SqlUpdate("INSERT INTO ferry_errors (target, at, code, message) VALUES (:target, :at, :code, :message)")
  void appendError(
      @Bind("target") String target, @Bind("at") long at, @Bind("code") String code, @Bind("message") String message);

  @SqlUpdate("DELETE FROM ferry_errors WHERE target = :target AND id NOT IN"
      + " (SELECT id FROM ferry_errors WHERE target = :target ORDER BY id DESC LIMIT " + ERROR_HISTORY + ")")
  void trimErrors(@Bind("target") String target);

  @SqlQuery("SELECT at, code, message FROM ferry_errors WHERE target = :target ORDER BY id DESC LIMIT "
      + ERROR_HISTORY)
  List<ErrorEntry> recentErrors(@Bind("target") String target);

  /** Reads a {@code ferry_targets} row. */
  final class StateMapper implements RowMapper<TargetState> {
    @Override
    public TargetState map(ResultSet rs, StatementContext ctx) throws SQLException {
      return new TargetState(
          rs.getString("target"),
          rs.getLong("last_pulled_seq"),
          rs.getLong("server_latest_seq"),
          rs.getInt("consecutive_failures"),
          nullableLong(rs, "backoff_until"),
          rs.getString("last_error"),
          rs.getString("reason_code"),
          rs.getString("reason_message"),
          nullableLong(rs, "last_sync_at"),
          rs.getString("last_outcome"),
          rs.getLong("last_duration_ms"),
          rs.getLong("total_pushed"),
          rs.getLong("total_pulled"),
          rs.getLong("total_applied"),
          rs.getLong("total_failures"),
          rs.getString("phase"),
          EnrollmentMode.fromWireName(rs.getString("enrollment")),
          rs.getString("applier_id"),
          new BackoffState(rs.getInt("push_failures"), nullableLong(rs, "push_backoff_until")),
          new BackoffState(rs.getInt("pull_failures"), nullableLong(rs, "pull_backoff_until")),
          rs.getString("log_id"),
          rs.getString("cursor_anchor"));
    }

    private static @Nullable Long nullableLong(ResultSet rs, String column) throws SQLException {
      long v = rs.getLong(column);
      return rs.wasNull() ? null : v;
    }
  }

  /** Reads a {@code ferry_errors} row. */
  final class ErrorMapper implements RowMapper<ErrorEntry> {
    @Override
    public ErrorEntry map(ResultSet rs, StatementContext ctx) throws SQLException {
      return new ErrorEntry(rs.getLong("at"), rs.getString("code"), rs.getString("message"));
    }
  }
}
