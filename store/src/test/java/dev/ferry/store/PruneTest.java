package dev.ferry.store;

import static dev.ferry.store.Fixtures.TARGET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Pruning in short steps: only acked rows past the cursor and the retention, without stalling host writes. */
class PruneTest extends OpenStoreTest {

  @Test
  void pruneStep_deletesOnlyAckedRowsPastTheCursorAndTheRetention_inBatches() {
    long old = clock.millis() - Duration.ofDays(8).toMillis();
    long young = clock.millis() - Duration.ofDays(6).toMillis();
    insertAcked(1, 10, old);       // server seqs 1..10, old: prunable
    insertAcked(11, 15, young);    // within the retention
    insertAcked(16, 20, old);      // old, but beyond the cursor
    setCursor(15);
    store.jdbi().useHandle(h -> h.execute("INSERT INTO ferry_mutations (target, project, entity, entity_key, op,"
        + " payload, created_at) VALUES (?, 'notes', 'note', 'p', 'upsert', '{}', ?)", TARGET, old));

    assertEquals(4, store.outbox().pruneStep(TARGET, 4));
    assertEquals(4, store.outbox().pruneStep(TARGET, 4));
    assertEquals(2, store.outbox().pruneStep(TARGET, 4), "fewer than the limit: nothing left for now");
    assertEquals(0, store.outbox().pruneStep(TARGET, 4));
    assertEquals(10, store.outbox().list(TARGET, MutationState.ACKED, 100).size());
    assertEquals(1, store.outbox().pendingCount(TARGET), "pending rows are never pruned");
    setCursor(20);
    assertEquals(5, store.outbox().prune(TARGET));
  }

  /**
   * What a host write waits while a large backlog is pruned in the sync loop's way (steps of 500
   * rows, 25 ms apart). Printed; the bound asserted is generous for a loaded machine, the
   * requirement (under 50 ms) is what the printed numbers show.
   */
  @Test
  void pruningALargeBacklog_stallsConcurrentHostWritesOnlyBriefly() throws Exception {
    int rows = 60_000;
    insertAcked(1, rows, 0);
    setCursor(rows);
    store.jdbi().useHandle(h -> h.execute("CREATE TABLE host_notes (id INTEGER PRIMARY KEY, body TEXT)"));
    AtomicBoolean done = new AtomicBoolean();
    List<Long> waitsMicros = Collections.synchronizedList(new ArrayList<>());
    Thread host = new Thread(() -> {
      while (!done.get()) {
        long t0 = System.nanoTime();
        store.jdbi().useTransaction(h -> h.execute("INSERT INTO host_notes (body) VALUES ('x')"));
        waitsMicros.add((System.nanoTime() - t0) / 1_000);
        java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
      }
    });
    host.start();
    List<Long> stepMicros = new ArrayList<>();
    int total = 0;
    try {
      for (int i = 0; i < 1_000 && total < rows; i++) {
        long t0 = System.nanoTime();
        total += store.outbox().pruneStep(TARGET, 500);
        stepMicros.add((System.nanoTime() - t0) / 1_000);
        java.util.concurrent.locks.LockSupport.parkNanos(25_000_000);
      }
    } finally {
      done.set(true);
      host.join();
    }
    assertEquals(rows, total);
    Collections.sort(stepMicros);
    List<Long> waits = new ArrayList<>(waitsMicros);
    Collections.sort(waits);
    System.out.printf("prune steps of 500 rows: p50 %d us, p99 %d us, max %d us; host writes (%d): p50 %d us,"
        + " p99 %d us, max %d us%n", pct(stepMicros, 50), pct(stepMicros, 99), stepMicros.get(stepMicros.size() - 1),
        waits.size(), pct(waits, 50), pct(waits, 99), waits.get(waits.size() - 1));
    assertTrue(pct(waits, 99) < 250_000, "p99 host write " + pct(waits, 99) + " us");
  }

  private static long pct(List<Long> sorted, int p) {
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * p / 100.0) - 1));
  }

  private void insertAcked(long fromServerSeq, long toServerSeq, long createdAt) {
    store.jdbi().useHandle(h -> h.execute("WITH RECURSIVE c(x) AS (SELECT ? UNION ALL SELECT x + 1 FROM c WHERE x < ?)"
        + " INSERT INTO ferry_mutations (target, project, entity, entity_key, op, payload, created_at, state, server_seq)"
        + " SELECT ?, 'notes', 'note', 'k-' || x, 'upsert', '{\"v\":1}', ?, 'acked', x FROM c",
        fromServerSeq, toServerSeq, TARGET, createdAt));
  }

  private void setCursor(long seq) {
    store.targets().state(TARGET);
    store.jdbi().useHandle(h -> {
      h.execute("INSERT INTO ferry_targets (target) VALUES (?) ON CONFLICT DO NOTHING", TARGET);
      h.execute("UPDATE ferry_targets SET last_pulled_seq = ? WHERE target = ?", seq, TARGET);
    });
  }
}
