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
 * ever held it at once, that the epoch rose by one exactly on each change of owner, that stale
 * holders did try to write, and that every fenced write that landed was judged at an instant its
 * epoch was current.
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
          "CREATE TABLE probe (id INTEGER PRIMARY KEY AUTOINCREMENT, owner TEXT, epoch INTEGER, seq INTEGER,"
              + " at INTEGER)"));
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
    // "now" is exactly expiresAt - TTL. A release's "now" is only known to lie between the readings
    // before and after the call, so a span is {start, earliest end, last instant a write may have
    // been judged at}: expiresAt - 1 (the fence needs expires_at > now) or, after a release, the
    // reading after it.
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
          // A release ends the epoch early, unless the same owner takes it again (same epoch)
          // later in its log.
          long[] span = spanOfEpoch.get(Long.parseLong(f[1]));
          span[1] = Long.parseLong(f[2]);
          span[2] = Long.parseLong(f[3]);
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
        spanOfEpoch.merge(epoch, new long[] {grantedAt, expiresAt, expiresAt - 1},
            (a, b) -> new long[] {Math.min(a[0], b[0]), b[1], b[2]});
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
    // come from its owner, the cursor made every probe seq unique and gapless, and each write was
    // judged at a store "now" inside its epoch's span (a stale write that got through would be
    // judged after its epoch ended, when the next one had begun).
    List<Map<String, Object>> probes = Jdbi.create("jdbc:sqlite:" + db).withHandle(h ->
        h.select("SELECT owner, epoch, seq, at FROM probe ORDER BY id").mapToMap().list());
    assertTrue(probes.size() > 10, "too few fenced writes: " + probes.size());
    assertTrue(lost > 0, "no stale holder ever tried to write, so fencing was not exercised");
    long lastEpoch = 0;
    for (int i = 0; i < probes.size(); i++) {
      Map<String, Object> p = probes.get(i);
      long epoch = ((Number) p.get("epoch")).longValue();
      long at = ((Number) p.get("at")).longValue();
      assertTrue(epoch >= lastEpoch, "a write of epoch " + epoch + " landed after one of epoch " + lastEpoch);
      assertEquals(ownerOfEpoch.get(epoch), p.get("owner"), "write of epoch " + epoch + " by a non-holder");
      assertEquals(i + 1L, ((Number) p.get("seq")).longValue());
      long[] span = spanOfEpoch.get(epoch);
      assertTrue(at >= span[0] && at <= span[2], "a write of epoch " + epoch + " was judged at " + at
          + ", outside the epoch's span " + span[0] + ".." + span[2]);
      lastEpoch = epoch;
    }
    System.out.printf("lease contention: %d epochs, %d probe writes, %d stale writes refused%n",
        maxEpoch, probes.size(), lost);
  }
}
