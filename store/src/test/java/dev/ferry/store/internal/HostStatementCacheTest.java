package dev.ferry.store.internal;

import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostStatementCacheTest {

  private static final String SQL = "SELECT 1";

  @Test
  void take_afterGive_reusesTheStatementOfTheSameConnection() throws Exception {
    HostStatementCache cache = new HostStatementCache();
    try (Connection a = DriverManager.getConnection("jdbc:sqlite::memory:");
        Connection b = DriverManager.getConnection("jdbc:sqlite::memory:")) {
      PreparedStatement first = cache.take(a, SQL);
      PreparedStatement whileInUse = cache.take(a, SQL);
      assertNotSame(first, whileInUse, "a statement in use is never handed out twice");
      cache.give(a, SQL, first);
      assertSame(first, cache.take(a, SQL));
      assertNotSame(first, cache.take(b, SQL), "statements belong to their connection");
    }
  }

  @Test
  void take_afterTheConnectionClosed_preparesAgainOnTheNewOne() throws Exception {
    HostStatementCache cache = new HostStatementCache();
    Connection a = DriverManager.getConnection("jdbc:sqlite::memory:");
    PreparedStatement ps = cache.take(a, SQL);
    cache.give(a, SQL, ps);
    a.close();
    try (Connection again = DriverManager.getConnection("jdbc:sqlite::memory:")) {
      PreparedStatement fresh = cache.take(again, SQL);
      assertNotSame(ps, fresh);
      try (ResultSet rs = fresh.executeQuery()) {
        assertTrue(rs.next());
      }
    }
  }

  @Test
  void give_beyondTheIdleLimit_closesTheLeastRecentlyUsed() throws Exception {
    HostStatementCache cache = new HostStatementCache();
    List<Connection> connections = new ArrayList<>();
    List<PreparedStatement> statements = new ArrayList<>();
    try {
      for (int i = 0; i <= HostStatementCache.MAX_IDLE; i++) {
        Connection c = DriverManager.getConnection("jdbc:sqlite::memory:");
        connections.add(c);
        PreparedStatement ps = cache.take(c, SQL);
        statements.add(ps);
        cache.give(c, SQL, ps);
      }
      assertTrue(statements.get(0).isClosed(), "the oldest idle statement was evicted");
      assertTrue(!statements.get(HostStatementCache.MAX_IDLE).isClosed());
    } finally {
      for (Connection c : connections) {
        c.close();
      }
    }
  }
}
