package dev.ferry.store.internal;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.IdentityHashMap;
import java.util.Map;
import org.jdbi.v3.core.ConnectionFactory;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Borrows connections from the host's {@link Jdbi} for the store's own Jdbi, so the store keeps its
 * own transaction handler and plugins without changing the host's configuration. Each connection
 * is returned by closing the host handle it came from, with the busy timeout it was lent with (the
 * store's writer waits in short slices, which would not suit the host). Thread-safe.
 */
final class HostConnections implements ConnectionFactory {

  private record Lent(Handle handle, int busyTimeoutMillis) {}

  private final Jdbi host;
  private final Map<Connection, Lent> open = new IdentityHashMap<>();

  HostConnections(Jdbi host) {
    this.host = host;
  }

  @Override
  public Connection openConnection() throws SQLException {
    Handle handle = host.open();
    Connection c = handle.getConnection();
    int busyTimeout;
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA busy_timeout")) {
      busyTimeout = rs.next() ? rs.getInt(1) : 0;
    } catch (SQLException | RuntimeException e) {
      handle.close();
      throw e;
    }
    synchronized (open) {
      open.put(c, new Lent(handle, busyTimeout));
    }
    return c;
  }

  @Override
  public void closeConnection(Connection connection) {
    Lent lent;
    synchronized (open) {
      lent = open.remove(connection);
    }
    if (lent == null) {
      return;
    }
    try (Statement s = connection.createStatement()) {
      s.execute("PRAGMA busy_timeout = " + lent.busyTimeoutMillis());
    } catch (SQLException e) {
      // A closed or broken connection: the host's pool discards it on return.
    } finally {
      lent.handle().close();
    }
  }
}
