package dev.ferry.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.TransactionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImmediateTransactionHandlerTest {

  @TempDir Path dir;
  private Path file;
  private Jdbi jdbi;

  @BeforeEach
  void setUp() {
    file = dir.resolve("t.db");
    jdbi = Jdbi.create("jdbc:sqlite:" + file + "?busy_timeout=1000&journal_mode=WAL");
    jdbi.setTransactionHandler(new ImmediateTransactionHandler(0));
    jdbi.useHandle(h -> h.execute("CREATE TABLE t (v INTEGER)"));
  }

  @Test
  void inTransaction_takesTheWriteLockAtBegin() throws Exception {
    try (Handle h = jdbi.open(); Connection other = otherConnection(1000)) {
      h.begin();
      assertTrue(h.isInTransaction());
      // Not one statement has run, yet another writer cannot get in: BEGIN IMMEDIATE took the lock.
      SQLException busy = assertThrows(SQLException.class, () -> execute(other, "BEGIN IMMEDIATE"));
      assertTrue(busy.getMessage().contains("SQLITE_BUSY"), busy.getMessage());
      h.rollback();
      assertFalse(h.isInTransaction());
      execute(other, "BEGIN IMMEDIATE");
      execute(other, "ROLLBACK");
    }
  }

  @Test
  void commit_releasesTheLockInsteadOfBeginningAgain() throws Exception {
    jdbi.useTransaction(h -> h.execute("INSERT INTO t VALUES (1)"));
    try (Handle idle = jdbi.open(); Connection other = otherConnection(1000)) {
      idle.useTransaction(h -> h.execute("INSERT INTO t VALUES (2)"));
      execute(other, "BEGIN IMMEDIATE");
      execute(other, "INSERT INTO t VALUES (3)");
      execute(other, "COMMIT");
    }
    assertEquals(List.of(1, 2, 3), jdbi.withHandle(h -> h.select("SELECT v FROM t ORDER BY v").mapTo(Integer.class).list()));
  }

  @Test
  void inTransaction_throwing_rollsBack() {
    assertThrows(IllegalStateException.class, () -> jdbi.useTransaction(h -> {
      h.execute("INSERT INTO t VALUES (1)");
      throw new IllegalStateException("boom");
    }));
    assertEquals(0, count());
  }

  @Test
  void nestedInTransaction_joinsTheOuterTransaction() {
    assertThrows(IllegalStateException.class, () -> jdbi.useTransaction(outer -> {
      outer.useTransaction(inner -> inner.execute("INSERT INTO t VALUES (1)"));
      throw new IllegalStateException("outer fails after the inner one returned");
    }));
    assertEquals(0, count());
  }

  @Test
  void savepoints_rollBackPartOfATransaction() {
    jdbi.useTransaction(h -> {
      h.execute("INSERT INTO t VALUES (1)");
      h.savepoint("sp");
      h.execute("INSERT INTO t VALUES (2)");
      h.rollbackToSavepoint("sp");
      h.releaseSavepoint("sp");
    });
    assertEquals(1, count());
    try (Handle h = jdbi.open()) {
      TransactionException e = assertThrows(TransactionException.class, () -> h.savepoint("sp"));
      assertTrue(e.getMessage().contains("needs an open transaction"));
    }
  }

  @Test
  void closingAHandleWithAnOpenTransaction_rollsItBack() {
    Handle h = jdbi.open();
    h.begin();
    h.execute("INSERT INTO t VALUES (1)");
    assertThrows(TransactionException.class, h::close);
    assertEquals(0, count());
  }

  @Test
  void begin_lockHeldElsewhereThroughEveryRetry_throwsStoreBusy() throws Exception {
    Jdbi patient = Jdbi.create("jdbc:sqlite:" + file + "?busy_timeout=200");
    patient.setTransactionHandler(new ImmediateTransactionHandler(1));
    try (Connection holder = otherConnection(1000)) {
      execute(holder, "BEGIN IMMEDIATE");
      StoreBusyException e = assertThrows(StoreBusyException.class, () -> patient.useTransaction(h -> { }));
      assertEquals(StoreException.Kind.BUSY, e.kind());
      assertTrue(e.getMessage().contains("2 busy timeouts of 200 ms"), e.getMessage());
      execute(holder, "ROLLBACK");
    }
    patient.useTransaction(h -> h.execute("INSERT INTO t VALUES (1)"));
    assertEquals(1, count());
  }

  @Test
  void constructor_refusesNegativeRetries() {
    assertEquals("beginRetries must be between 0 and 100 but was -1",
        assertThrows(IllegalArgumentException.class, () -> new ImmediateTransactionHandler(-1)).getMessage());
  }

  private int count() {
    return jdbi.withHandle(h -> h.select("SELECT count(*) FROM t").mapTo(Integer.class).one());
  }

  private Connection otherConnection(int busyTimeoutMs) throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + file + "?busy_timeout=" + busyTimeoutMs);
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
