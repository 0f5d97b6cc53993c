package dev.ferry.store.internal;

import java.sql.Connection;
import java.util.IdentityHashMap;
import java.util.Map;
import org.jdbi.v3.core.ConnectionFactory;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Borrows connections from the host's {@link Jdbi} for the store's own Jdbi, so the store keeps its
 * own transaction handler and plugins without changing the host's configuration. Each connection
 * is returned by closing the host handle it came from. Thread-safe.
 */
final class HostConnections implements ConnectionFactory {

  private final Jdbi host;
  private final Map<Connection, Handle> open = new IdentityHashMap<>();

  HostConnections(Jdbi host) {
    this.host = host;
  }

  @Override
  public Connection openConnection() {
    Handle handle = host.open();
    Connection c = handle.getConnection();
    synchronized (open) {
      open.put(c, handle);
    }
    return c;
  }

  @Override
  public void closeConnection(Connection connection) {
    Handle handle;
    synchronized (open) {
      handle = open.remove(connection);
    }
    if (handle != null) {
      handle.close();
    }
  }
}
