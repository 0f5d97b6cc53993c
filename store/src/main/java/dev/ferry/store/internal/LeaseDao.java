package dev.ferry.store.internal;

import dev.ferry.store.LeaseInfo;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** The lease row of each target ({@code ferry_leases}). */
@RegisterRowMapper(LeaseDao.RowMapperImpl.class)
public interface LeaseDao {

  /** A lease row; whether it is held depends on when it is looked at. */
  record Row(String target, String owner, long epoch, long expiresAt, boolean lockHeld) {
    /** The row as seen at {@code now} (epoch ms). */
    public LeaseInfo at(long now) {
      return new LeaseInfo(target, owner, epoch, expiresAt, expiresAt > now);
    }
  }

  /**
   * Acquire or renew in one statement: the row is taken when it is free, expired or already
   * {@code owner}'s, or when it is still {@code deadOwner}'s at {@code deadEpoch} and that holder
   * had the lease's file lock, which the caller now holds (the holder's process is gone). The epoch
   * rises exactly when the owner changes, so it fences writes of every earlier owner. Returns
   * nothing when another owner holds an unexpired lease.
   */
  @SqlQuery("INSERT INTO ferry_leases (target, owner, epoch, expires_at, lock_held)"
      + " VALUES (:target, :owner, 1, :expiresAt, :lockHeld)"
      + " ON CONFLICT (target) DO UPDATE SET"
      + " epoch = CASE WHEN ferry_leases.owner = excluded.owner"
      + " THEN ferry_leases.epoch ELSE ferry_leases.epoch + 1 END,"
      + " owner = excluded.owner, expires_at = excluded.expires_at, lock_held = excluded.lock_held"
      + " WHERE ferry_leases.owner = excluded.owner OR ferry_leases.expires_at <= :now"
      + " OR (ferry_leases.owner = :deadOwner AND ferry_leases.epoch = :deadEpoch AND ferry_leases.lock_held = 1)"
      + " RETURNING target, owner, epoch, expires_at, lock_held")
  Optional<Row> acquire(
      @Bind("target") String target,
      @Bind("owner") String owner,
      @Bind("expiresAt") long expiresAt,
      @Bind("now") long now,
      @Bind("lockHeld") boolean lockHeld,
      @Bind("deadOwner") String deadOwner,
      @Bind("deadEpoch") long deadEpoch);

  /** Expires the lease now if it is still held under this owner and epoch; keeps the row so epochs keep rising. */
  @SqlUpdate("UPDATE ferry_leases SET expires_at = :now"
      + " WHERE target = :target AND owner = :owner AND epoch = :epoch AND expires_at > :now")
  int release(
      @Bind("target") String target, @Bind("owner") String owner, @Bind("epoch") long epoch, @Bind("now") long now);

  /**
   * Moves the epoch of a lease still held under this owner and epoch to {@code epochAbove + 1} in
   * one statement, when that is higher; returns nothing otherwise (the fence is stale, or the epoch
   * is already past).
   */
  @SqlQuery("UPDATE ferry_leases SET epoch = :epochAbove + 1"
      + " WHERE target = :target AND owner = :owner AND epoch = :epoch AND expires_at > :now"
      + " AND epoch <= :epochAbove RETURNING target, owner, epoch, expires_at, lock_held")
  Optional<Row> raiseEpoch(
      @Bind("target") String target,
      @Bind("owner") String owner,
      @Bind("epoch") long epoch,
      @Bind("epochAbove") long epochAbove,
      @Bind("now") long now);

  /** The lease row of a target, if any process ever took it. */
  @SqlQuery("SELECT target, owner, epoch, expires_at, lock_held FROM ferry_leases WHERE target = :target")
  Optional<Row> current(@Bind("target") String target);

  /** Maps {@code target, owner, epoch, expires_at, lock_held}. */
  final class RowMapperImpl implements RowMapper<Row> {
    @Override
    public Row map(ResultSet rs, StatementContext ctx) throws SQLException {
      return new Row(rs.getString("target"), rs.getString("owner"), rs.getLong("epoch"), rs.getLong("expires_at"),
          rs.getInt("lock_held") != 0);
    }
  }
}
