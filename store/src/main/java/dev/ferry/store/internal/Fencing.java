package dev.ferry.store.internal;

import dev.ferry.store.Fence;
import dev.ferry.store.LeaseLostException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/** The check every write of the sync loop makes first, inside its {@code BEGIN IMMEDIATE} transaction. */
public final class Fencing {

  private Fencing() {}

  /**
   * Passes when the lease row still names the fence's owner and epoch and has not expired.
   * Holding the write lock, nobody can change the row before this transaction commits.
   *
   * @throws LeaseLostException saying who holds the lease now
   */
  public static void check(Tx tx, Fence fence) throws SQLException {
    Optional<LeaseDao.Row> row = tx.handle().attach(LeaseDao.class).current(fence.target());
    long now = tx.now();
    if (row.isEmpty()) {
      throw new LeaseLostException(fence, "target " + fence.target() + " has no lease; acquire it first");
    }
    LeaseDao.Row r = row.get();
    if (!r.owner().equals(fence.owner()) || r.epoch() != fence.epoch()) {
      throw new LeaseLostException(fence,
          "the lease of target " + fence.target() + " is now " + r.owner() + " at epoch " + r.epoch()
              + ", not " + fence.owner() + " at epoch " + fence.epoch());
    }
    if (r.expiresAt() <= now) {
      throw new LeaseLostException(fence,
          "the lease of target " + fence.target() + " held by " + fence.owner() + " expired at "
              + Instant.ofEpochMilli(r.expiresAt()));
    }
  }
}
