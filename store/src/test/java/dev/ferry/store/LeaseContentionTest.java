package dev.ferry.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Four JVMs contend for one lease on one file. Proves from what they saw and wrote that no two
 * ever held it at once and that the epoch rose by one exactly on each change of owner.
 */
class LeaseContentionTest {

  private static final int WORKERS = 4;
  private static final long RUN_MILLIS = 4_000;

  @TempDir Path dir;

  @Test
  void manyProcesses_neverTwoHoldersAndEpochRisesExactlyOnOwnerChange() throws Exception {
    Path db = dir.resolve("shared.db");
    try (SyncStore store = SyncStore.open(db)) {
      store.jdbi().useHandle(h -> h.execute(
          "CREATE TABLE probe (id INTEGER PRIMARY KEY AUTOINCREMENT, owner TEXT, epoch INTEGER, seq INTEGER)"));
    }
    List<Process> processes = new ArrayList<>();
    for (int i = 0; i < WORKERS; i++) {
      processes.add(Jvm.start(LeaseWorkerMain.class, dir, "w" + i, db.toString(), "w" + i,
          Long.toString(RUN_MILLIS), Long.toString(1000 + i)));
    }
    for (int i = 0; i < WORKERS; i++) {
      assertEquals(0, Jvm.await(processes.get(i), dir, "w" + i, 120), "worker w" + i + ": " + Jvm.stderr(dir, "w" + i));
    }

    // Every grant, as its holder saw it: epoch -> owner, and the store-clock interval it covered:
    // from its first grant to the expiry of its last renewal, or to its release. A grant's store
    // "now" is exactly expiresAt - TTL.
    Map<Long, String> ownerOfEpoch = new TreeMap<>();
    Map<Long, long[]> spanOfEpoch = new HashMap<>();
    int lost = 0;
    for (int i = 0; i < WORKERS; i++) {
      String owner = "w" + i;
      List<String> lines = Jvm.stdout(dir, owner);
      assertEquals("DONE", lines.get(lines.size() - 1));
      for (String line : lines) {
        String[] f = line.split(" ");
        if (f[0].equals("LOST")) {
          lost++;
        }
        if (f[0].equals("RELEASED")) {
          // A release ends the epoch early, at a store "now" no earlier than the printed time,
          // unless the same owner takes it again (same epoch) later in its log.
          long epoch = Long.parseLong(f[1]);
          spanOfEpoch.get(epoch)[1] = Long.parseLong(f[2]);
          continue;
        }
        if (!f[0].equals("HELD")) {
          continue;
        }
        long epoch = Long.parseLong(f[1]);
        long expiresAt = Long.parseLong(f[2]);
        long grantedAt = expiresAt - LeaseWorkerMain.TTL.toMillis();
        String previous = ownerOfEpoch.putIfAbsent(epoch, owner);
        assertTrue(previous == null || previous.equals(owner),
            "epoch " + epoch + " was granted to both " + previous + " and " + owner);
        spanOfEpoch.merge(epoch, new long[] {grantedAt, expiresAt},
            (a, b) -> new long[] {Math.min(a[0], b[0]), b[1]});
      }
    }

    long maxEpoch = ((TreeMap<Long, String>) ownerOfEpoch).lastKey();
    assertEquals(maxEpoch, ownerOfEpoch.size(), "every epoch from 1 was granted to someone: " + ownerOfEpoch.keySet());
    assertTrue(maxEpoch >= 3, "expected the lease to change hands, epochs: " + ownerOfEpoch);
    assertTrue(new HashSet<>(ownerOfEpoch.values()).size() >= 3, "at least three processes held it: " + ownerOfEpoch);
    for (long e = 1; e < maxEpoch; e++) {
      assertNotEquals(ownerOfEpoch.get(e), ownerOfEpoch.get(e + 1),
          "epoch " + (e + 1) + " rose without a change of owner");
      assertTrue(spanOfEpoch.get(e + 1)[0] >= spanOfEpoch.get(e)[1],
          "epoch " + (e + 1) + " was granted at " + spanOfEpoch.get(e + 1)[0] + " before epoch " + e
              + " expired at " + spanOfEpoch.get(e)[1]);
    }

    // Fenced writes of all processes, in commit order: epochs never go back, each epoch's writes
    // come from its owner, and the cursor made every probe seq unique and gapless.
    List<Map<String, Object>> probes = Jdbi.create("jdbc:sqlite:" + db).withHandle(h ->
        h.select("SELECT owner, epoch, seq FROM probe ORDER BY id").mapToMap().list());
    assertTrue(probes.size() > 10, "too few fenced writes: " + probes.size());
    long lastEpoch = 0;
    for (int i = 0; i < probes.size(); i++) {
      Map<String, Object> p = probes.get(i);
      long epoch = ((Number) p.get("epoch")).longValue();
      assertTrue(epoch >= lastEpoch, "a write of epoch " + epoch + " landed after one of epoch " + lastEpoch);
      assertEquals(ownerOfEpoch.get(epoch), p.get("owner"), "write of epoch " + epoch + " by a non-holder");
      assertEquals(i + 1L, ((Number) p.get("seq")).longValue());
      lastEpoch = epoch;
    }
    System.out.printf("lease contention: %d epochs, %d probe writes, %d stale writes refused%n",
        maxEpoch, probes.size(), lost);
  }
}
