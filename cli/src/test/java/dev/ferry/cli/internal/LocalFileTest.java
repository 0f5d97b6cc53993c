package dev.ferry.cli.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.cli.Ferry;
import dev.ferry.store.MutationDraft;
import dev.ferry.store.SyncStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands that work on a local file never turn a file into a Ferry file. */
class LocalFileTest {

  @TempDir Path dir;

  private static final List<List<String>> COMMANDS = List.of(
      List.of("status"), List.of("status", "--json"), List.of("outbox", "list"), List.of("pause"),
      List.of("resume"), List.of("outbox", "requeue", "1"), List.of("outbox", "drop", "1"));

  private static String[] args(List<String> command, Path db) {
    String[] args = new String[command.size() + 2];
    args[0] = command.get(0);
    int i = 1;
    if (command.get(0).equals("outbox")) {
      args[i++] = command.get(1);
    }
    args[i++] = "--db";
    args[i++] = db.toString();
    for (int j = command.get(0).equals("outbox") ? 2 : 1; j < command.size(); j++) {
      args[i++] = command.get(j);
    }
    return args;
  }

  @Test
  void emptyFile_isRefusedAndStaysEmpty() throws Exception {
    Path db = Files.createFile(dir.resolve("empty.db"));

    for (List<String> command : COMMANDS) {
      Cli.Result r = Cli.run(args(command, db)).expect(Ferry.FAILED);

      assertTrue(r.err().contains("has no Ferry tables"), command + ": " + r.err());
      assertEquals(1, r.err().lines().count(), r.err());
      assertEquals(0, Files.size(db), command + " left the file empty");
    }
    assertEquals(List.of(db), Files.list(dir).toList(), "no journal or WAL file was left either");
  }

  @Test
  void anotherApplicationsDatabase_isRefusedAndUnchanged() throws Exception {
    Path db = dir.resolve("app.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE notes (id TEXT PRIMARY KEY, body TEXT)");
      s.execute("INSERT INTO notes VALUES ('n-1', 'hello')");
    }
    byte[] before = Files.readAllBytes(db);

    for (List<String> command : COMMANDS) {
      Cli.run(args(command, db)).expect(Ferry.FAILED);
    }

    assertArrayEquals(before, Files.readAllBytes(db));
  }

  @Test
  void ferryFile_inUseByAnOpenStore_isReadAndChanged() {
    Path db = dir.resolve("a.db");
    try (SyncStore store = SyncStore.open(db)) {
      long seq = store.jdbi().inTransaction(h -> store.documents().put(h,
          MutationDraft.upsert("notes", "note", "n-1", "{}")));

      assertEquals(1, Cli.run("status", "--db", db.toString(), "--json").expect(Ferry.OK).json()
          .at("/pending/count").asInt());
      Cli.run("pause", "--db", db.toString()).expect(Ferry.OK);
      Cli.run("outbox", "drop", "--db", db.toString(), Long.toString(seq)).expect(Ferry.OK);

      assertEquals(0, store.outbox().pendingCount("cloud"));
      assertEquals(1, store.targets().pauseReasons("cloud").size());
    }
  }
}
