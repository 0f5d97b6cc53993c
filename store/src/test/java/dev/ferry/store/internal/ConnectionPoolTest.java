package dev.ferry.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

class ConnectionPoolTest {

  @TempDir Path dir;

  @Test
  void closedConnection_isReusedWithAnyOpenTransactionRolledBack() throws Exception {
    SQLiteDataSource ds = new SQLiteDataSource();
    ds.setUrl("jdbc:sqlite:" + dir.resolve("p.db"));
    ConnectionPool pool = new ConnectionPool(ds);
    Connection c = pool.openConnection();
    execute(c, "CREATE TABLE t (v INTEGER)");
    execute(c, "BEGIN");
    execute(c, "INSERT INTO t VALUES (1)");
    pool.closeConnection(c);

    Connection again = pool.openConnection();
    assertSame(c, again);
    execute(again, "BEGIN IMMEDIATE");
    try (Statement s = again.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
      rs.next();
      assertEquals(0, rs.getInt(1), "the abandoned insert was rolled back");
    }
    execute(again, "ROLLBACK");

    again.setAutoCommit(false);
    pool.closeConnection(again);
    assertTrue(pool.openConnection().getAutoCommit());
  }

  @Test
  void close_closesIdleConnectionsAndLaterReturns() throws Exception {
    SQLiteDataSource ds = new SQLiteDataSource();
    ds.setUrl("jdbc:sqlite:" + dir.resolve("p.db"));
    ConnectionPool pool = new ConnectionPool(ds);
    Connection idle = pool.openConnection();
    Connection busy = pool.openConnection();
    assertNotSame(idle, busy);
    pool.closeConnection(idle);
    pool.close();
    assertTrue(idle.isClosed());
    pool.closeConnection(busy);
    assertTrue(busy.isClosed());
  }

  private static void execute(Connection c, String sql) throws Exception {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
