package dev.ferry.store.internal;

import dev.ferry.store.StoreConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.jdbi.v3.core.Handle;

/**
 * One unit of work on one of the store's long-lived connections: a write transaction or a read
 * snapshot. Prepared statements are cached per connection for the store's lifetime, because
 * preparing costs more than running the small statements of the hot paths. Confined to the thread
 * that holds the connection's lock.
 */
public final class Tx {

  private final Handle handle;
  private final StatementCache statements;
  private final StoreConfig config;
  private final long now;

  Tx(Handle handle, StatementCache statements, StoreConfig config) {
    this.handle = handle;
    this.statements = statements;
    this.config = config;
    this.now = config.clock().millis();
  }

  /** The Jdbi handle of this unit of work. */
  public Handle handle() {
    return handle;
  }

  /** The JDBC connection of this unit of work. */
  public Connection connection() {
    return handle.getConnection();
  }

  /**
   * The cached prepared statement for {@code sql}. Bind every parameter before each use and close
   * every result set it returns (an open one pins the snapshot); never close the statement.
   */
  public PreparedStatement statement(String sql) throws SQLException {
    return statements.get(handle.getConnection(), sql);
  }

  /** Runs {@code sql}, a query of one boolean row with {@code target} as its only parameter. */
  public boolean bool(String sql, String target) throws SQLException {
    PreparedStatement ps = statement(sql);
    ps.setString(1, target);
    try (ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  /** "Now" for this unit of work, read once from the store's clock, epoch milliseconds. */
  public long now() {
    return now;
  }

  /** The store's configuration. */
  public StoreConfig config() {
    return config;
  }
}
