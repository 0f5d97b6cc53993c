package dev.ferry.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.cli.Ferry;
import dev.ferry.store.SyncStore;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ferry pause} and {@code ferry resume} on a local file. */
class PauseCommandTest {

  @TempDir Path dir;

  @Test
  void pauseThenResume_persistTheReasonAndTheStatusShowsIt() {
    Path db = dir.resolve("a.db");
    SyncStore.open(db).close();

    Cli.Result paused = Cli.run("pause", "--db", db.toString(), "--reason", "upgrade:notes").expect(Ferry.OK);
    assertTrue(paused.out().contains("paused target cloud with reason 'upgrade:notes'"), paused.out());
    JsonNode status = Cli.run("status", "--db", db.toString(), "--json").expect(Ferry.OK).json();
    assertEquals("disabled", status.get("phase").asText());
    assertEquals("paused", status.get("reason_code").asText());
    assertEquals("upgrade:notes", status.get("pause_reasons").get(0).asText());

    JsonNode resumed = Cli.run("resume", "--db", db.toString(), "--reason", "upgrade:notes", "--json")
        .expect(Ferry.OK).json();
    assertTrue(resumed.get("changed").asBoolean());
    assertEquals(0, resumed.get("pause_reasons").size());
    try (SyncStore store = SyncStore.open(db)) {
      assertEquals(Set.of(), store.targets().pauseReasons("cloud"));
    }
  }

  @Test
  void pauseTwiceOrResumeUnknown_isANoOpThatSaysSo() {
    Path db = dir.resolve("a.db");
    SyncStore.open(db).close();

    Cli.run("pause", "--db", db.toString()).expect(Ferry.OK);
    JsonNode again = Cli.run("pause", "--db", db.toString(), "--json").expect(Ferry.OK).json();
    assertFalse(again.get("changed").asBoolean());
    assertEquals("user", again.get("reason").asText());
    Cli.Result unknown = Cli.run("resume", "--db", db.toString(), "--reason", "nope").expect(Ferry.OK);
    assertTrue(unknown.out().contains("had no pause reason 'nope'; paused by: user"), unknown.out());
  }

  @Test
  void pause_blankReason_isBadUsage() {
    Path db = dir.resolve("a.db");
    SyncStore.open(db).close();

    assertTrue(Cli.run("pause", "--db", db.toString(), "--reason", " ").expect(Ferry.USAGE).err()
        .contains("--reason"));
  }
}
