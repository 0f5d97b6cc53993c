package dev.ferry.store.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Idle prepared statements on the host's connections, so recording in a host transaction does not
 * re-prepare its insert for every mutation. A statement is taken out while in use and given back
 * afterwards, so eviction only ever closes idle statements; the least recently used are closed past
 * {@value #MAX_IDLE}. Keys compare connections by identity. A statement whose connection was
 * closed is never handed out again (the key is that connection object) and leaves the cache
 * when evicted; closing such a statement is harmless.
 * Thread-safe.
 */
public final class HostStatementCache {

  static final int MAX_IDLE = 32;

  private record Key(Connection connection, String sql) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.connection == connection && k.sql.equals(sql);
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(connection) * 31 + sql.hashCode();
    }
  }

  private final LinkedHashMap<Key, PreparedStatement> idle = new LinkedHashMap<>(64, 0.75f, true);

  /** A prepared statement for {@code sql} on {@code connection}, exclusively the caller's until {@link #give}. */
  public PreparedStatement take(Connection connection, String sql) throws SQLException {
    PreparedStatement ps;
    synchronized (this) {
      ps = idle.remove(new Key(connection, sql));
    }
    if (ps != null && !ps.isClosed()) {
      return ps;
    }
    return connection.prepareStatement(sql);
  }

  /** Returns a statement from {@link #take} for reuse. */
  public void give(Connection connection, String sql, PreparedStatement ps) {
    try {
      if (ps.isClosed()) {
        return;
      }
    } catch (SQLException e) {
      return;
    }
    PreparedStatement replaced;
    synchronized (this) {
      replaced = idle.put(new Key(connection, sql), ps);
      Iterator<Map.Entry<Key, PreparedStatement>> it = idle.entrySet().iterator();
      while (idle.size() > MAX_IDLE && it.hasNext()) {
        closeQuietly(it.next().getValue());
        it.remove();
      }
    }
    if (replaced != null && replaced != ps) {
      closeQuietly(replaced);
    }
  }

  private static void closeQuietly(PreparedStatement ps) {
    try {
      ps.close();
    } catch (SQLException e) {
      // Idle statement of a connection that may be gone; closing is best effort.
    }
  }
}
