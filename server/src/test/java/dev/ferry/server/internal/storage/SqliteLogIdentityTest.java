package dev.ferry.server.internal.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.ferry.server.AppendResult;
import dev.ferry.server.MutationLog;
import dev.ferry.server.ProjectSet;
import dev.ferry.transport.wire.PullResponse;
import dev.ferry.transport.wire.PushMutation;
import dev.ferry.transport.wire.RawJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The identity of a SQLite log: kept with the file, new for another file, given to old files. */
class SqliteLogIdentityTest {

  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

  @TempDir Path dir;

  private static List<PushMutation> one(long clientSeq) {
    return List.of(new PushMutation(clientSeq, "notes", "note", "k", "upsert", RawJson.of("{}"), NOW));
  }

  @Test
  void logId_staysWithTheFile_andACopyOfTheFileKeepsIt() throws Exception {
    Path file = dir.resolve("server.db");
    String first;
    try (MutationLog log = MutationLog.sqlite(file)) {
      AppendResult.Appended a = (AppendResult.Appended) log.append("acme", "p", "r1", 1, one(1), NOW);
      first = a.logId();
      assertNotNull(first);
      assertEquals(first, log.read("acme", ProjectSet.ALL, 0, 10).logId());
    }
    Path copy = dir.resolve("restored.db");
    Files.copy(file, copy);
    try (MutationLog reopened = MutationLog.sqlite(file);
        MutationLog restored = MutationLog.sqlite(copy)) {
      assertEquals(first, reopened.logId("acme"));
      assertEquals(first, restored.logId("acme"), "a restored backup is the same log, older");
    }
  }

  @Test
  void logId_ofAnEmptyFileSwappedIn_differs() {
    String first;
    try (MutationLog log = MutationLog.sqlite(dir.resolve("a.db"))) {
      log.append("acme", "p", "r1", 1, one(1), NOW);
      first = log.logId("acme");
    }
    try (MutationLog empty = MutationLog.sqlite(dir.resolve("b.db"))) {
      PullResponse page = empty.read("acme", ProjectSet.ALL, 1200, 10);
      assertEquals(0, page.latestSeq());
      assertNotNull(page.logId());
      assertNotEquals(first, page.logId());
      assertEquals(page.logId(), empty.logId("acme"), "made once, then kept");
    }
  }

  @Test
  void logId_isGivenToALogOfAnOlderServer_whichKeepsItsRows() throws Exception {
    Path file = dir.resolve("old.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      // The tables as servers before log identities created them.
      s.execute("CREATE TABLE ferry_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
      s.execute(
          "CREATE TABLE ferry_log (tenant TEXT NOT NULL, seq BIGINT NOT NULL, replica_id TEXT NOT NULL,"
              + " client_seq BIGINT NOT NULL, project TEXT NOT NULL, entity TEXT NOT NULL,"
              + " entity_key TEXT NOT NULL, op TEXT NOT NULL, payload TEXT NOT NULL, created_at BIGINT,"
              + " accepted_at BIGINT NOT NULL, PRIMARY KEY (tenant, seq))");
      s.execute(
          "CREATE TABLE ferry_replica_epochs (tenant TEXT NOT NULL, replica_id TEXT NOT NULL,"
              + " max_epoch BIGINT NOT NULL, PRIMARY KEY (tenant, replica_id))");
      s.execute("INSERT INTO ferry_meta VALUES ('schema_version', '1')");
      s.execute(
          "INSERT INTO ferry_log VALUES ('acme', 1, 'r1', 1, 'notes', 'note', 'k', 'upsert', '{}',"
              + " NULL, 1000)");
    }
    String id;
    try (MutationLog log = MutationLog.sqlite(file)) {
      PullResponse page = log.read("acme", ProjectSet.ALL, 0, 10);
      assertEquals(1, page.mutations().size());
      assertEquals(1, page.latestSeq());
      id = page.logId();
      assertNotNull(id);
      AppendResult.Appended next = (AppendResult.Appended) log.append("acme", "p", "r1", 1, one(2), NOW);
      assertEquals(2, next.entries().get(0).seq());
      assertEquals(id, next.logId());
    }
    try (MutationLog reopened = MutationLog.sqlite(file)) {
      assertEquals(id, reopened.logId("acme"));
    }
  }
}
