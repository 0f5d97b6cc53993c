package dev.ferry.store.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * Prepared statements of one long-lived connection, by SQL text. Confined to the thread holding
 * that connection's lock.
 */
final class StatementCache {

  private final Map<String, PreparedStatement> statements = new HashMap<>();

  PreparedStatement get(Connection connection, String sql) throws SQLException {
    PreparedStatement ps = statements.get(sql);
    if (ps == null || ps.isClosed()) {
      ps = connection.prepareStatement(sql);
      statements.put(sql, ps);
    }
    return ps;
  }

  void closeAll() {
    for (PreparedStatement ps : statements.values()) {
      try {
        ps.close();
      } catch (SQLException e) {
        // The connection is being closed as well; it finalizes whatever is left.
      }
    }
    statements.clear();
  }
}
