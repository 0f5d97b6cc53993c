package dev.ferry.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.store.MutationState;
import dev.ferry.store.StoreConfig;
import dev.ferry.store.SyncStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sync loop's pruning: rate-limited, in batches sized by what a step costs, bounded per call. */
class PrunerTest {

  @TempDir Path dir;
  private SyncStore store;
  private final AtomicLong loopNanos = new AtomicLong();
  private final AtomicLong realNanos = new AtomicLong();
  private final AtomicInteger pauses = new AtomicInteger();
  /** What each prune step costs in the fake real time. */
  private long stepCostNanos = Duration.ofMillis(1).toNanos();

  @BeforeEach
  void setUp() {
    store = SyncStore.open(dir.resolve("a.db"), StoreConfig.builder()
        .clock(Clock.fixed(Instant.parse("2026-12-01T00:00:00Z"), ZoneOffset.UTC)).build());
  }

  @AfterEach
  void tearDown() {
    store.close();
  }

  @Test
  void afterSuccess_prunesWhenDue_growsCheapBatches_andWaitsAMinuteOnceCaughtUp() {
    acked(3_000);
    Pruner pruner = pruner();

    pruner.afterSuccess();

    assertEquals(0, store.outbox().list("cloud", MutationState.ACKED, 10_000).size());
    assertTrue(pruner.batch() > Pruner.START_BATCH, "cheap steps grow the batch: " + pruner.batch());
    assertTrue(pauses.get() >= 1, "a pause between batches lets host writes in");
    acked(10);
    loopNanos.addAndGet(Duration.ofSeconds(59).toNanos());
    pruner.afterSuccess();
    assertEquals(10, store.outbox().list("cloud", MutationState.ACKED, 10_000).size(), "not due yet");
    loopNanos.addAndGet(Duration.ofSeconds(1).toNanos());
    pruner.afterSuccess();
    assertEquals(0, store.outbox().list("cloud", MutationState.ACKED, 10_000).size());
  }

  @Test
  void slowSteps_shrinkTheBatch_andTheBudgetLeavesTheRestForOneSecondLater() {
    acked(5_000);
    stepCostNanos = Duration.ofMillis(40).toNanos();
    Pruner pruner = pruner();

    pruner.afterSuccess();

    int left = store.outbox().list("cloud", MutationState.ACKED, 10_000).size();
    assertTrue(left > 0, "a 200 ms budget stops early");
    assertTrue(pruner.batch() < Pruner.START_BATCH, "slow steps shrink the batch: " + pruner.batch());
    loopNanos.addAndGet(Duration.ofSeconds(1).toNanos());
    pruner.afterSuccess();
    assertTrue(store.outbox().list("cloud", MutationState.ACKED, 10_000).size() < left, "a backlog comes back soon");
  }

  private Pruner pruner() {
    return new Pruner(store, "cloud", loopNanos::get, () -> realNanos.addAndGet(stepCostNanos / 2),
        pauses::incrementAndGet);
  }

  private void acked(int n) {
    long from = store.jdbi().withHandle(h -> h.select("SELECT coalesce(max(server_seq), 0) FROM ferry_mutations")
        .mapTo(Long.class).one()) + 1;
    store.jdbi().useHandle(h -> {
      h.execute("WITH RECURSIVE c(x) AS (SELECT ? UNION ALL SELECT x + 1 FROM c WHERE x < ?)"
          + " INSERT INTO ferry_mutations (target, project, entity, entity_key, op, payload, created_at, state,"
          + " server_seq) SELECT 'cloud', 'notes', 'note', 'k-' || x, 'upsert', '{}', 0, 'acked', x FROM c",
          from, from + n - 1);
      h.execute("INSERT INTO ferry_targets (target) VALUES ('cloud') ON CONFLICT DO NOTHING");
      h.execute("UPDATE ferry_targets SET last_pulled_seq = ?", from + n - 1);
    });
  }
}
