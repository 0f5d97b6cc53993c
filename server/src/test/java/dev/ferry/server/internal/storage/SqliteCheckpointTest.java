package dev.ferry.server.internal.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ferry.server.Await;
import dev.ferry.transport.wire.PushMutation;
import dev.ferry.transport.wire.RawJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite log copies committed WAL frames back into the database file on its own thread. */
class SqliteCheckpointTest {

  @TempDir Path dir;

  @Test
  void appendedRows_areCheckpointedIntoTheDatabaseFile_withoutAnotherCommit() {
    Path file = dir.resolve("server.db");
    try (SqliteMutationLog log = SqliteMutationLog.open(file)) {
      long before = size(file);
      List<PushMutation> batch = new ArrayList<>();
      for (int i = 1; i <= 1_000; i++) {
        batch.add(new PushMutation(i, "p", "note", "k" + i, "upsert",
            RawJson.of("{\"body\":\"" + "x".repeat(200) + "\"}"), null));
      }
      log.append("t", "p", "r1", 1, batch, Instant.EPOCH);
      // With wal_autocheckpoint off, only the background checkpoint moves pages into the file.
      Await.until("the WAL checkpointed into " + file, () -> size(file) > before);
      assertEquals(1_000, log.read("t", dev.ferry.server.ProjectSet.ALL, 0, 1_000).mutations().size());
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
