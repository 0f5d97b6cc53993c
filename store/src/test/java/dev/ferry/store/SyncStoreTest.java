package dev.ferry.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.ConnectionFactory;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyncStoreTest {

  @TempDir Path dir;

  @Test
  void open_newFile_createsSchemaInWalModeWithReplicaId() {
    Path file = dir.resolve("new.db");
    try (SyncStore store = SyncStore.open(file)) {
      assertTrue(Files.exists(file));
      UUID.fromString(store.replicaId());
      try (Handle h = store.jdbi().open()) {
        assertEquals("wal", h.select("PRAGMA journal_mode").mapTo(String.class).one());
        assertEquals(1, h.select("PRAGMA synchronous").mapTo(Integer.class).one(), "NORMAL");
        assertEquals(5000, h.select("PRAGMA busy_timeout").mapTo(Integer.class).one());
        assertEquals(1, h.select("PRAGMA foreign_keys").mapTo(Integer.class).one());
        assertEquals("3", meta(h, "schema_version"));
        List<String> tables = h.select("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            + " ORDER BY name").mapTo(String.class).list();
        assertEquals(List.of("ferry_documents", "ferry_enrolled", "ferry_errors", "ferry_former_replica_ids",
            "ferry_inbound_attempts", "ferry_inbound_quarantine", "ferry_leases", "ferry_meta", "ferry_mutations",
            "ferry_pause_reasons", "ferry_released", "ferry_shadows", "ferry_targets"), tables);
      }
    }
  }

  @Test
  void open_again_keepsReplicaIdAndDoesNotRerunMigrations() {
    Path file = dir.resolve("app.db");
    String replicaId;
    String appliedAt;
    try (SyncStore store = SyncStore.open(file)) {
      replicaId = store.replicaId();
      try (Handle h = store.jdbi().open()) {
        appliedAt = meta(h, "migration.1.applied_at");
      }
    }
    try (SyncStore store = SyncStore.open(file)) {
      assertEquals(replicaId, store.replicaId());
      try (Handle h = store.jdbi().open()) {
        assertEquals(appliedAt, meta(h, "migration.1.applied_at"));
        assertEquals("3", meta(h, "schema_version"));
      }
    }
  }

  @Test
  void open_hostDatabase_leavesHostTablesAndUserVersionAlone() {
    Path file = dir.resolve("host.db");
    Jdbi host = Jdbi.create("jdbc:sqlite:" + file);
    host.useHandle(h -> {
      h.execute("PRAGMA user_version = 42");
      h.execute("CREATE TABLE notes (id TEXT PRIMARY KEY, body TEXT)");
      h.execute("CREATE INDEX notes_body ON notes (body)");
      h.execute("INSERT INTO notes VALUES ('a', 'x'), ('b', 'y')");
    });
    String hostSchemaBefore = hostSchema(host);
    try (SyncStore store = SyncStore.open(file)) {
      Fixtures.record(store, Fixtures.note("a", "{}"));
    }
    try (SyncStore store = SyncStore.open(file)) {
      assertEquals(1, store.outbox().pendingCount(Fixtures.TARGET));
    }
    host.useHandle(h -> {
      assertEquals(42, h.select("PRAGMA user_version").mapTo(Integer.class).one());
      assertEquals(List.of("a:x", "b:y"),
          h.select("SELECT id || ':' || body FROM notes ORDER BY id").mapTo(String.class).list());
    });
    assertEquals(hostSchemaBefore, hostSchema(host));
  }

  @Test
  void open_fileThatIsNotADatabase_failsClearlyAndLeavesTheFileAlone() throws Exception {
    Path file = dir.resolve("notes.txt");
    byte[] content = "these are my notes, not a database\n".repeat(200).getBytes();
    Files.write(file, content);
    StoreException e = assertThrows(StoreException.class, () -> SyncStore.open(file));
    assertEquals(StoreException.Kind.NOT_A_DATABASE, e.kind());
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("not a SQLite database"), e.getMessage());
    assertArrayEquals(content, Files.readAllBytes(file));
  }

  @Test
  void open_newerFerrySchema_failsWithSchemaTooNew() {
    Path file = dir.resolve("future.db");
    SyncStore.open(file).close();
    Jdbi.create("jdbc:sqlite:" + file).useHandle(h ->
        h.execute("UPDATE ferry_meta SET value = '7' WHERE key = 'schema_version'"));
    StoreException e = assertThrows(StoreException.class, () -> SyncStore.open(file));
    assertEquals(StoreException.Kind.SCHEMA_TOO_NEW, e.kind());
    assertTrue(e.getMessage().contains("schema version 7"), e.getMessage());
    assertTrue(e.getMessage().contains("upgrade Ferry"), e.getMessage());
  }

  @Test
  void open_unreadableSchemaVersion_failsAsCorrupt() {
    Path file = dir.resolve("odd.db");
    SyncStore.open(file).close();
    Jdbi.create("jdbc:sqlite:" + file).useHandle(h ->
        h.execute("UPDATE ferry_meta SET value = 'banana' WHERE key = 'schema_version'"));
    StoreException e = assertThrows(StoreException.class, () -> SyncStore.open(file));
    assertEquals(StoreException.Kind.CORRUPT, e.kind());
  }

  @Test
  void open_directoryOrMissingDirectory_failsWithCannotOpen() {
    StoreException isDir = assertThrows(StoreException.class, () -> SyncStore.open(dir));
    assertEquals(StoreException.Kind.CANNOT_OPEN, isDir.kind());
    assertTrue(isDir.getMessage().contains("is a directory"), isDir.getMessage());
    StoreException missing = assertThrows(StoreException.class, () -> SyncStore.open(dir.resolve("no/such/app.db")));
    assertEquals(StoreException.Kind.CANNOT_OPEN, missing.kind());
    assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
  }

  @Test
  void open_pathWithUrlCharacters_opensThatExactFile() {
    Path file = dir.resolve("my notes?v=1#x%20.db");
    try (SyncStore store = SyncStore.open(file)) {
      Fixtures.record(store, Fixtures.note("a", "{}"));
    }
    assertTrue(Files.exists(file));
    try (SyncStore store = SyncStore.open(file)) {
      assertEquals(1, store.outbox().pendingCount(Fixtures.TARGET));
    }
  }

  @Test
  void open_hostJdbi_recordsThroughTheHostsConnections() {
    Path file = dir.resolve("host.db");
    Jdbi host = Jdbi.create("jdbc:sqlite:" + file);
    host.setTransactionHandler(new ImmediateTransactionHandler());
    host.useHandle(h -> h.execute("CREATE TABLE notes (id TEXT PRIMARY KEY)"));
    try (SyncStore store = SyncStore.open(host)) {
      assertSame(host, store.jdbi());
      long seq = host.inTransaction(h -> {
        h.execute("INSERT INTO notes VALUES ('n-1')");
        return store.outbox().record(h, Fixtures.note("n-1", "{\"a\":1}"));
      });
      assertEquals(List.of(seq),
          store.outbox().pending(Fixtures.TARGET, 0, 10, Set.of()).stream().map(PendingMutation::seq).toList());
      try (Handle h = host.open()) {
        assertEquals("wal", h.select("PRAGMA journal_mode").mapTo(String.class).one());
      }
    }
  }

  @Test
  void close_onHostJdbi_returnsTheHostsConnectionsWithTheirBusyTimeout() throws Exception {
    String url = "jdbc:sqlite:" + dir.resolve("host.db");
    List<Connection> handedOut = new CopyOnWriteArrayList<>();
    Jdbi host = Jdbi.create(new ConnectionFactory() {
      @Override
      public Connection openConnection() throws SQLException {
        Connection c = DriverManager.getConnection(url);
        try (Statement s = c.createStatement()) {
          s.execute("PRAGMA busy_timeout = 7000");
        }
        handedOut.add(c);
        return c;
      }

      @Override
      public void closeConnection(Connection c) {
        // Kept open, as a pool would, so the test can look at what the store handed back.
      }
    });
    SyncStore.open(host).close();
    assertTrue(handedOut.size() >= 2);
    for (Connection c : handedOut) {
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA busy_timeout")) {
        rs.next();
        assertEquals(7000, rs.getInt(1));
      }
      c.close();
    }
  }

  @Test
  void open_hostJdbiOnASingleConnection_isRefusedBeforeTouchingTheFile() throws Exception {
    Path file = dir.resolve("host.db");
    try (Connection only = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      Jdbi host = Jdbi.create(only);
      StoreException e = assertThrows(StoreException.class, () -> SyncStore.open(host));
      assertEquals(StoreException.Kind.CANNOT_OPEN, e.kind());
      assertTrue(e.getMessage().contains("the same connection"), e.getMessage());
      assertEquals(0, (int) host.withHandle(h ->
          h.select("SELECT count(*) FROM sqlite_master WHERE name LIKE 'ferry_%'").mapTo(Integer.class).one()));
    }
  }

  @Test
  void open_hostJdbiWithAPoolTooSmallForTheStoreAndTheHost_isRefusedClearly() {
    for (int size = 1; size <= 2; size++) {
      Jdbi host = Jdbi.create(new TinyPool("jdbc:sqlite:" + dir.resolve("host.db"), size));
      StoreException e = assertThrows(StoreException.class, () -> SyncStore.open(host), "pool of " + size);
      assertEquals(StoreException.Kind.CANNOT_OPEN, e.kind());
      assertTrue(e.getMessage().contains("at least 3 connections"), e.getMessage());
    }
    try (SyncStore store = SyncStore.open(Jdbi.create(new TinyPool("jdbc:sqlite:" + dir.resolve("host.db"), 3)))) {
      Fixtures.record(store, Fixtures.note("a", "{}"));
      assertEquals(1, store.outbox().pendingCount(Fixtures.TARGET));
    }
  }

  @Test
  void storeWrite_whenTheHostOpenedATransactionOnTheStoresConnection_isRefusedInsteadOfJoined() throws Exception {
    List<Connection> handedOut = new CopyOnWriteArrayList<>();
    String url = "jdbc:sqlite:" + dir.resolve("host.db");
    Jdbi host = Jdbi.create(() -> {
      Connection c = DriverManager.getConnection(url);
      handedOut.add(c);
      return c;
    });
    try (SyncStore store = SyncStore.open(host)) {
      Connection storeWriter = handedOut.get(0);
      storeWriter.setAutoCommit(false);
      StoreException e = assertThrows(StoreException.class,
          () -> store.leases().acquire(Fixtures.TARGET, "me", Duration.ofSeconds(30)));
      assertTrue(e.getMessage().contains("already in a transaction"), e.getMessage());
      storeWriter.rollback();
      storeWriter.setAutoCommit(true);
      assertTrue(store.leases().acquire(Fixtures.TARGET, "me", Duration.ofSeconds(30)).isHeldBy("me"));
    }
  }

  /** A host pool of {@code size} connections that refuses, after a short wait, to hand out more. */
  private static final class TinyPool implements ConnectionFactory {
    private final String url;
    private final Semaphore permits;

    TinyPool(String url, int size) {
      this.url = url;
      this.permits = new Semaphore(size);
    }

    @Override
    public Connection openConnection() throws SQLException {
      try {
        if (!permits.tryAcquire(200, TimeUnit.MILLISECONDS)) {
          throw new SQLException("pool exhausted: every connection is in use");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SQLException("interrupted", e);
      }
      return DriverManager.getConnection(url);
    }

    @Override
    public void closeConnection(Connection c) throws SQLException {
      c.close();
      permits.release();
    }
  }

  @Test
  void dataVersion_changesForOtherConnectionsCommitsOnly() {
    try (SyncStore store = Fixtures.open(dir, new TestClock())) {
      long v0 = store.dataVersion();
      store.targets().addPauseReason(Fixtures.TARGET, "user");
      store.leases().acquire(Fixtures.TARGET, "me", Duration.ofSeconds(30));
      assertEquals(v0, store.dataVersion(), "the store's own writes");
      Fixtures.record(store, Fixtures.note("a", "{}"));
      assertNotEquals(v0, store.dataVersion(), "a host commit");
    }
  }

  @Test
  void dataVersion_whileAPageIsBeingApplied_answersAtOnceAndShowsEarlierCommitsAfterwards() throws Exception {
    try (SyncStore store = Fixtures.open(dir, new TestClock())) {
      Fence fence = Fixtures.lease(store);
      long before = store.dataVersion();
      Fixtures.record(store, Fixtures.note("a", "{}"));
      CountDownLatch applying = new CountDownLatch(1);
      CountDownLatch finish = new CountDownLatch(1);
      MutationApplier blocking = (ctx, m) -> {
        applying.countDown();
        if (!finish.await(1, TimeUnit.MINUTES)) {
          throw new IllegalStateException("test never let the page finish");
        }
      };
      CompletableFuture<ApplyResult> page =
          CompletableFuture.supplyAsync(() -> store.fenced(fence, blocking).applyPage(Fixtures.page(1, 1), 1));
      try {
        assertTrue(applying.await(30, TimeUnit.SECONDS));
        CompletableFuture.supplyAsync(store::dataVersion).get(30, TimeUnit.SECONDS);
      } finally {
        finish.countDown();
      }
      assertEquals(1, page.get(30, TimeUnit.SECONDS).cursor());
      long after = store.dataVersion();
      assertNotEquals(before, after, "the host commit made before the page");
      store.targets().addPauseReason(Fixtures.TARGET, "user");
      assertEquals(after, store.dataVersion(), "the store's own writes");
    }
  }

  @Test
  void close_isIdempotentAndLaterCallsFailAsClosed() {
    SyncStore store = Fixtures.open(dir, new TestClock());
    store.close();
    store.close();
    StoreException e = assertThrows(StoreException.class, () -> store.outbox().pendingCount(Fixtures.TARGET));
    assertEquals(StoreException.Kind.CLOSED, e.kind());
  }

  private static String meta(Handle h, String key) {
    return h.select("SELECT value FROM ferry_meta WHERE key = ?", key).mapTo(String.class).one();
  }

  private static String hostSchema(Jdbi host) {
    return host.withHandle(h -> String.join("\n", h.select(
        "SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM sqlite_master"
            + " WHERE name NOT LIKE 'ferry_%' AND name NOT LIKE 'sqlite_%' ORDER BY name").mapTo(String.class).list()));
  }
}
