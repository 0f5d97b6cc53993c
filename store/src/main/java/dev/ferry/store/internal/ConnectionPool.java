package dev.ferry.store.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.jdbi.v3.core.ConnectionFactory;

/**
 * Keeps up to {@value #MAX_IDLE} idle connections of the Jdbi the store hands to hosts, so a host
 * transaction does not open a new SQLite connection (file open, schema parse, cold page cache,
 * statements prepared again) every time. A returned connection has any transaction the host left
 * open rolled back and autocommit switched back on; other per-connection state (pragmas, temp
 * tables) stays, as with any pool. Thread-safe.
 */
final class ConnectionPool implements ConnectionFactory, AutoCloseable {

  static final int MAX_IDLE = 4;

  private final DataSource dataSource;
  private final ArrayDeque<Connection> idle = new ArrayDeque<>();
  private boolean closed;

  ConnectionPool(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public Connection openConnection() throws SQLException {
    synchronized (this) {
      while (!idle.isEmpty()) {
        Connection c = idle.pop();
        if (!c.isClosed()) {
          return c;
        }
      }
    }
    return dataSource.getConnection();
  }

  @Override
  public void closeConnection(Connection c) throws SQLException {
    if (c.isClosed()) {
      return;
    }
    try {
      reset(c);
    } catch (SQLException e) {
      c.close();
      return;
    }
    synchronized (this) {
      if (!closed && idle.size() < MAX_IDLE) {
        idle.push(c);
        return;
      }
    }
    c.close();
  }

  private static void reset(Connection c) throws SQLException {
    if (!c.getAutoCommit()) {
      c.rollback();
      c.setAutoCommit(true);
      return;
    }
    try (Statement s = c.createStatement()) {
      s.execute("ROLLBACK");
    } catch (SQLException e) {
      // "no transaction is active": the usual case, nothing was left open.
      if (!String.valueOf(e.getMessage()).contains("no transaction is active")) {
        throw e;
      }
    }
  }

  /** Closes the idle connections; connections returned later are closed instead of kept. */
  @Override
  public void close() {
    List<Connection> toClose;
    synchronized (this) {
      closed = true;
      toClose = new ArrayList<>(idle);
      idle.clear();
    }
    for (Connection c : toClose) {
      try {
        c.close();
      } catch (SQLException e) {
        // Closing at shutdown is best effort.
      }
    }
  }
}
