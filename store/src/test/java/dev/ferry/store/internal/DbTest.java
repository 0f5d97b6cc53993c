package dev.ferry.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.store.StoreConfig;
import dev.ferry.store.StoreException;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Recovery of the store's long-lived connections when a transaction cannot end normally. */
class DbTest {

  @TempDir Path dir;

  @Test
  void read_whoseCommitFails_isRolledBackSoTheNextReadWorks() {
    try (Db db = Db.open(dir.resolve("app.db"), StoreConfig.defaults())) {
      db.read("creating temp tables", tx -> {
        execute(tx, "CREATE TEMP TABLE parent (id INTEGER PRIMARY KEY)");
        execute(tx, "CREATE TEMP TABLE child (p INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)");
        return null;
      });
      // A deferred foreign key violation fails the COMMIT and leaves the transaction open.
      StoreException e = assertThrows(StoreException.class, () -> db.read("breaking the commit", tx -> {
        execute(tx, "INSERT INTO child VALUES (1)");
        return null;
      }));
      assertTrue(e.getMessage().contains("FOREIGN KEY"), e.getMessage());

      assertEquals(0, (int) db.read("counting", tx -> count(tx, "SELECT count(*) FROM child")), "rolled back");
    }
  }

  @Test
  void write_thatBreaksTheWriterConnection_leavesAFreshWriterForTheNextWrite() {
    try (Db db = Db.open(dir.resolve("app.db"), StoreConfig.defaults())) {
      IllegalStateException boom = new IllegalStateException("applier closed the connection");
      StoreException e = assertThrows(StoreException.class, () -> db.write("breaking the writer", tx -> {
        tx.connection().close();
        throw boom;
      }));
      assertSame(boom, e.getCause());

      assertEquals(1, (int) db.write("writing again", tx -> {
        execute(tx, "CREATE TABLE t (v INTEGER)");
        execute(tx, "INSERT INTO t VALUES (1)");
        return count(tx, "SELECT count(*) FROM t");
      }));
    }
  }

  @Test
  void write_thatLeavesTheWriterInATransaction_leavesAFreshWriterForTheNextWrite() {
    try (Db db = Db.open(dir.resolve("app.db"), StoreConfig.defaults())) {
      assertThrows(StoreException.class, () -> db.write("leaving a transaction open", tx -> {
        execute(tx, "COMMIT");
        tx.connection().setAutoCommit(false);
        throw new IllegalStateException("applier managed the transaction itself");
      }));

      db.write("writing again", tx -> {
        execute(tx, "CREATE TABLE t (v INTEGER)");
        return null;
      });
      assertEquals(0, (int) db.read("reading what the writer committed", tx -> count(tx, "SELECT count(*) FROM t")));
    }
  }

  private static void execute(Tx tx, String sql) throws SQLException {
    try (Statement s = tx.connection().createStatement()) {
      s.execute(sql);
    }
  }

  private static int count(Tx tx, String sql) throws SQLException {
    try (Statement s = tx.connection().createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
