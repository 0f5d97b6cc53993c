package dev.ferry.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Schema 3: push and pull keep their own backoff; a file's single backoff goes to the side its phase names. */
class BackoffMigrationTest {

  @TempDir Path dir;

  private TargetState migrated(String phase) {
    Path file = dir.resolve(phase + ".db");
    try (SyncStore store = SyncStore.open(file)) {
      store.targets().state("cloud");
      store.fenced(Fixtures.lease(store), new DocumentApplier()).recordCycle(
          new CycleRecord(phase, "failed", 5, true, 3, 1_900_000_000_000L, "transport_failed", "down", "down", null,
              null));
    }
    Jdbi.create("jdbc:sqlite:" + file).useHandle(h -> {
      Fixtures.dropSchema3(h);
      h.execute("UPDATE ferry_meta SET value = '2' WHERE key = 'schema_version'");
    });
    try (SyncStore store = SyncStore.open(file)) {
      return store.targets().state("cloud");
    }
  }

  @Test
  void pullFailed_becomesThePullSidesBackoff() {
    TargetState s = migrated("pull_failed");
    assertEquals(new BackoffState(3, 1_900_000_000_000L), s.pull());
    assertEquals(BackoffState.NONE, s.push());
    assertEquals(3, s.consecutiveFailures());
  }

  @Test
  void pushFailed_becomesThePushSidesBackoff() {
    TargetState s = migrated("push_failed");
    assertEquals(new BackoffState(3, 1_900_000_000_000L), s.push());
    assertEquals(BackoffState.NONE, s.pull());
  }

  @Test
  void backoff_holdsBothSides() {
    TargetState s = migrated("backoff");
    assertEquals(new BackoffState(3, 1_900_000_000_000L), s.push());
    assertEquals(new BackoffState(3, 1_900_000_000_000L), s.pull());
  }

  @Test
  void recordCycle_persistsEachSide() {
    try (SyncStore store = SyncStore.open(dir.resolve("sides.db"))) {
      store.targets().state("cloud");
      store.fenced(Fixtures.lease(store), new DocumentApplier()).recordCycle(
          new CycleRecord("pull_failed", "failed", 5, true, 2, 1_900_000_000_000L, "transport_failed", "down", "down",
              null, null, BackoffState.NONE, new BackoffState(2, 1_900_000_000_000L)));
      TargetState s = store.targets().state("cloud");
      assertEquals(BackoffState.NONE, s.push());
      assertEquals(new BackoffState(2, 1_900_000_000_000L), s.pull());
    }
  }
}
