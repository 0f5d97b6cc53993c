package dev.ferry.store;

import static dev.ferry.store.Fixtures.TARGET;
import static dev.ferry.store.Fixtures.note;
import static dev.ferry.store.Fixtures.record;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxTest {

  @TempDir Path dir;
  private final TestClock clock = new TestClock();
  private SyncStore store;
  private Outbox outbox;

  @BeforeEach
  void setUp() {
    store = SyncStore.open(dir.resolve("app.db"),
        StoreConfig.builder().clock(clock).maxPayloadBytes(64).build());
    outbox = store.outbox();
    store.jdbi().useHandle(h -> h.execute("CREATE TABLE notes (id TEXT PRIMARY KEY)"));
  }

  @AfterEach
  void tearDown() {
    store.close();
  }

  @Test
  void record_inCommittedHostTransaction_storesThePendingRowWithHostData() {
    long seq = store.jdbi().inTransaction(h -> {
      h.execute("INSERT INTO notes VALUES ('n-1')");
      return outbox.record(h, note("n-1", "{\"title\":\"hi\"}"));
    });
    PendingMutation m = outbox.pending(TARGET, 0, 10, Set.of()).get(0);
    assertEquals(new PendingMutation(seq, TARGET, "notes", "note", "n-1", "upsert", "{\"title\":\"hi\"}",
        clock.millis(), MutationState.PENDING, 0, null, null, null), m);
  }

  @Test
  void record_hostTransactionRolledBack_leavesNoMutationAndNoHostRow() {
    assertThrows(IllegalStateException.class, () -> store.jdbi().useTransaction(h -> {
      h.execute("INSERT INTO notes VALUES ('n-1')");
      outbox.record(h, note("n-1", "{}"));
      throw new IllegalStateException("host changes its mind");
    }));
    assertEquals(0, outbox.pendingCount(TARGET));
    assertEquals(0, (int) store.jdbi().withHandle(h -> h.select("SELECT count(*) FROM notes").mapTo(Integer.class).one()));
  }

  @Test
  void record_jdbcConnectionOverload_worksInsideAPlainJdbcTransaction() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("app.db"))) {
      c.setAutoCommit(false);
      long seq = outbox.record(c, note("n-1", "[1,2]"));
      c.commit();
      assertEquals(seq, outbox.highestSeq());
    }
    assertEquals(1, outbox.pendingCount(TARGET));
  }

  @Test
  void record_seqsIncreaseAndAreNeverReusedAfterPruning() {
    long first = record(store, note("a", "{}"));
    long second = record(store, note("b", "{}"));
    assertTrue(second > first);
    Fence fence = Fixtures.lease(store);
    store.fenced(fence, new DocumentApplier()).ack(List.of(new Ack(first, 1), new Ack(second, 2)));
    store.fenced(fence, new DocumentApplier()).applyPage(List.of(Fixtures.own(store, 2, second, "b", "{}")), 2);
    clock.advance(Duration.ofDays(8));
    assertEquals(2, outbox.prune(TARGET));
    assertTrue(record(store, note("c", "{}")) > second);
    assertEquals(second + 1, outbox.highestSeq());
  }

  @Test
  void invalidDrafts_areRefusedNamingTheFieldAndWriteNothing() {
    assertEquals("project must not be blank",
        assertThrows(IllegalArgumentException.class, () -> MutationDraft.upsert(" ", "note", "k", "{}")).getMessage());
    assertEquals("entity must not be blank",
        assertThrows(IllegalArgumentException.class, () -> MutationDraft.upsert("p", "", "k", "{}")).getMessage());
    assertEquals("entityKey must not be null",
        assertThrows(IllegalArgumentException.class, () -> MutationDraft.upsert("p", "e", null, "{}")).getMessage());
    assertEquals("op must not be blank",
        assertThrows(IllegalArgumentException.class, () -> new MutationDraft("cloud", "p", "e", "k", "\t", "{}")).getMessage());
    assertEquals("target must not be blank",
        assertThrows(IllegalArgumentException.class, () -> note("k", "{}").withTarget("")).getMessage());
    assertEquals("entityKey has an unpaired UTF-16 surrogate at index 1",
        assertThrows(IllegalArgumentException.class, () -> note("k\uDC00", "{}")).getMessage());

    IllegalArgumentException notJson = assertThrows(IllegalArgumentException.class,
        () -> record(store, note("k", "{\"a\":}")));
    assertEquals("payloadJson is not valid JSON: unexpected '}' at offset 5", notJson.getMessage());
    IllegalArgumentException tooBig = assertThrows(IllegalArgumentException.class,
        () -> record(store, note("k", "\"" + "é".repeat(32) + "\"")));
    assertEquals("payloadJson is 66 bytes (UTF-8), over the limit of 64 bytes", tooBig.getMessage());
    assertEquals(0, outbox.highestSeq());
  }

  @Test
  void recordAll_returnsConsecutiveSeqsInDraftOrder() {
    long before = record(store, note("first", "{}"));
    List<MutationDraft> drafts = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      drafts.add(note("k-" + i, "{\"i\":" + i + "}"));
    }
    long[] seqs = store.jdbi().inTransaction(h -> outbox.recordAll(h, drafts));
    assertArrayEquals(new long[] {before + 1, before + 2, before + 3, before + 4, before + 5}, seqs);
    List<PendingMutation> pending = outbox.pending(TARGET, before, 10, Set.of());
    for (int i = 0; i < 5; i++) {
      assertEquals(seqs[i], pending.get(i).seq());
      assertEquals("k-" + i, pending.get(i).entityKey());
    }
  }

  @Test
  void recordAll_oneInvalidDraft_namesItsIndexAndWritesNone() {
    List<MutationDraft> drafts = List.of(note("a", "{}"), note("b", "{}"), note("c", "nope"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> store.jdbi().useTransaction(h -> {
          h.execute("INSERT INTO notes VALUES ('kept?')");
          outbox.recordAll(h, drafts);
        }));
    assertEquals("drafts[2].payloadJson is not valid JSON: unexpected 'n' at offset 0", e.getMessage());
    assertEquals(0, outbox.pendingCount(TARGET));
  }

  @Test
  void recordAll_failureInsideLongerHostTransaction_rollsBackOnlyTheBatch() {
    store.jdbi().useTransaction(h -> {
      outbox.record(h, note("before", "{}"));
      h.execute("CREATE TEMP TRIGGER fail_third BEFORE INSERT ON ferry_mutations"
          + " WHEN NEW.entity_key = 'c' BEGIN SELECT RAISE(ABORT, 'host trigger says no'); END");
      StoreException e = assertThrows(StoreException.class,
          () -> outbox.recordAll(h, List.of(note("a", "{}"), note("b", "{}"), note("c", "{}"))));
      assertTrue(e.getMessage().contains("host trigger says no"), e.getMessage());
      h.execute("DROP TRIGGER fail_third");
      outbox.record(h, note("after", "{}"));
    });
    assertEquals(List.of("before", "after"),
        outbox.pending(TARGET, 0, 10, Set.of()).stream().map(PendingMutation::entityKey).toList());
  }

  @Test
  void pending_followsSeqOrderLimitAndAfterSeq() {
    long[] seqs = new long[6];
    for (int i = 0; i < seqs.length; i++) {
      seqs[i] = record(store, note("k-" + i, "{}"));
    }
    assertEquals(List.of(seqs[0], seqs[1], seqs[2]), seqsOf(outbox.pending(TARGET, 0, 3, Set.of())));
    assertEquals(List.of(seqs[3], seqs[4], seqs[5]), seqsOf(outbox.pending(TARGET, seqs[2], 10, Set.of())));
    assertEquals(List.of(), seqsOf(outbox.pending("elsewhere", 0, 10, Set.of())));
  }

  @Test
  void pending_leavesOutHeldBackProjectsAndNonEnrolledOnesUnderExplicitEnrollment() {
    long a = record(store, MutationDraft.upsert("alpha", "e", "1", "{}"));
    long b = record(store, MutationDraft.upsert("beta", "e", "1", "{}"));
    long b2 = record(store, MutationDraft.upsert("beta", "e", "2", "{}"));
    long g = record(store, MutationDraft.upsert("gamma", "e", "1", "{}"));
    assertEquals(List.of(a, g), seqsOf(outbox.pending(TARGET, 0, 10, Set.of("beta"))));
    assertEquals(Map.of(), outbox.nonEnrolledPendingByProject(TARGET));

    store.targets().setEnrollment(TARGET, EnrollmentMode.EXPLICIT);
    store.targets().enroll(TARGET, "beta");
    assertEquals(List.of(b, b2), seqsOf(outbox.pending(TARGET, 0, 10, Set.of())));
    assertEquals(List.of(), seqsOf(outbox.pending(TARGET, 0, 10, Set.of("beta"))));
    assertEquals(Map.of("alpha", 1L, "gamma", 1L), outbox.nonEnrolledPendingByProject(TARGET));
    assertEquals(4, outbox.pendingCount(TARGET), "non-enrolled rows stay pending, never falsely acked");

    store.targets().setEnrollment(TARGET, EnrollmentMode.ALL);
    assertEquals(4, outbox.pending(TARGET, 0, 10, Set.of()).size());
  }

  @Test
  void counts_andOldestPendingAge() {
    assertEquals(OptionalLong.empty(), outbox.oldestPendingCreatedAt(TARGET));
    long oldestAt = clock.millis();
    long a = record(store, note("a", "{}"));
    clock.advance(Duration.ofMinutes(5));
    record(store, note("b", "{}"));
    long c = record(store, note("c", "{}"));
    Fence fence = Fixtures.lease(store);
    store.fenced(fence, new DocumentApplier()).quarantine(c, "validation_error", "bad");
    assertEquals(2, outbox.pendingCount(TARGET));
    assertEquals(1, outbox.quarantinedCount(TARGET));
    assertEquals(OptionalLong.of(oldestAt), outbox.oldestPendingCreatedAt(TARGET));
    store.fenced(fence, new DocumentApplier()).ack(List.of(new Ack(a, 10)));
    assertEquals(OptionalLong.of(oldestAt + Duration.ofMinutes(5).toMillis()), outbox.oldestPendingCreatedAt(TARGET));
  }

  @Test
  void pending_corruptRows_areSkippedReportedAndDoNotBlockTheQueue() {
    long good1 = record(store, note("a", "{}"));
    long blankProject = record(store, note("b", "{}"));
    long notJson = record(store, note("c", "{}"));
    long good2 = record(store, note("d", "{}"));
    store.jdbi().useHandle(h -> {
      h.execute("UPDATE ferry_mutations SET project = '  ' WHERE seq = ?", blankProject);
      h.execute("UPDATE ferry_mutations SET payload = '{oops' WHERE seq = ?", notJson);
    });

    PendingBatch batch = outbox.pending(TARGET, 0, 2, Set.of());
    assertEquals(List.of(good1, good2), seqsOf(batch), "filled up to the limit past the corrupt rows");
    assertEquals(List.of(new CorruptRow(blankProject, "project is blank"),
        new CorruptRow(notJson, "payload is not valid JSON: expected a member name in double quotes at offset 1")),
        batch.corrupt());
    assertEquals(4, outbox.pendingCount(TARGET));
    assertEquals(4, outbox.list(TARGET, MutationState.PENDING, 10).size(), "the operator view shows them");

    Fence fence = Fixtures.lease(store);
    for (CorruptRow row : batch.corrupt()) {
      store.fenced(fence, new DocumentApplier()).quarantine(row.seq(), CorruptRow.CODE, row.reason());
    }
    assertEquals(List.of(), outbox.pending(TARGET, 0, 10, Set.of()).corrupt());
    PendingMutation q = outbox.list(TARGET, MutationState.QUARANTINED, 10).get(0);
    assertEquals(CorruptRow.CODE, q.errorCode());
  }

  @Test
  void operatorRequeueAndDrop_changeOnlyRowsInTheRightState() {
    long a = record(store, note("a", "{}"));
    long b = record(store, note("b", "{}"));
    long c = record(store, note("c", "{}"));
    Fence fence = Fixtures.lease(store);
    FencedWriter w = store.fenced(fence, new DocumentApplier());
    w.noteRetry(List.of(a), "project_paused");
    w.noteRetry(List.of(a), "project_paused");
    w.quarantine(a, "validation_error", "title too long");
    w.ack(List.of(new Ack(c, 7)));

    assertEquals(0, outbox.requeue(List.of(b, c)), "pending and acked rows are not requeued");
    assertEquals(1, outbox.requeue(List.of(a)));
    PendingMutation requeued = outbox.pending(TARGET, 0, 1, Set.of()).get(0);
    assertEquals(0, requeued.attempts());
    assertNull(requeued.lastError());

    assertEquals(2, outbox.drop(List.of(a, b, c)), "acked rows are history and stay");
    assertEquals(0, outbox.pendingCount(TARGET));
    assertEquals(0, w.ack(List.of(new Ack(a, 8))), "a late ack of a dropped row does nothing");
    assertEquals(List.of(c), seqsOf(outbox.list(TARGET, MutationState.ACKED, 10)));
    assertThrows(IllegalArgumentException.class, () -> outbox.drop(List.of(0L)));
  }

  @Test
  void prune_deletesAckedRowsPastTheCursorAndOlderThanRetention() {
    long a = record(store, note("a", "{}"));
    long b = record(store, note("b", "{}"));
    long c = record(store, note("c", "{}"));
    Fence fence = Fixtures.lease(store);
    FencedWriter w = store.fenced(fence, new DocumentApplier());
    w.ack(List.of(new Ack(a, 1), new Ack(b, 5)));
    w.applyPage(List.of(Fixtures.own(store, 1, a, "a", "{}"), Fixtures.remote(3, "x", "{}")), 5);

    assertEquals(0, outbox.prune(TARGET), "younger than the retention");
    clock.advance(Duration.ofDays(7).plusMillis(1));
    assertEquals(1, outbox.prune(TARGET), "b's server seq 5 is above the cursor 3");
    assertEquals(List.of(b), seqsOf(outbox.list(TARGET, MutationState.ACKED, 10)));
    assertEquals(List.of(c), seqsOf(outbox.list(TARGET, MutationState.PENDING, 10)));
  }

  @Test
  void prune_forgetsDroppedWritesAfterTheRetentionButKeepsQuarantinedOnesReleased() {
    long dropped = record(store, note("a", "{}"));
    long quarantined = record(store, note("b", "{}"));
    store.fenced(Fixtures.lease(store), new DocumentApplier()).quarantine(quarantined, "validation_error", "no");
    assertEquals(1, outbox.drop(List.of(dropped)));
    assertEquals(List.of(dropped, quarantined), releasedSeqs());

    outbox.prune(TARGET);
    assertEquals(List.of(dropped, quarantined), releasedSeqs(), "a dropped write may still be in flight");
    clock.advance(Duration.ofDays(7).plusMillis(1));
    outbox.prune(TARGET);
    assertEquals(List.of(quarantined), releasedSeqs());
  }

  @Test
  void record_autocommitHandle_storesTheRowAtOnce() {
    try (Handle h = store.jdbi().open()) {
      outbox.record(h, note("a", "{}"));
    }
    assertEquals(1, outbox.pendingCount(TARGET));
  }

  private List<Long> releasedSeqs() {
    return store.jdbi().withHandle(h -> h.select("SELECT seq FROM ferry_released ORDER BY seq").mapTo(Long.class).list());
  }

  private static List<Long> seqsOf(List<PendingMutation> rows) {
    return rows.stream().map(PendingMutation::seq).toList();
  }

  @Test
  void states_reportsEachExistingSeq_andLeavesOutUnknownOnes() {
    long pending = record(store, note("a", "{}"));
    long quarantined = record(store, note("b", "{}"));
    long acked = record(store, note("c", "{}"));
    FencedWriter writer = store.fenced(Fixtures.lease(store), new DocumentApplier());
    writer.quarantine(quarantined, "validation_error", "refused");
    writer.ack(List.of(new Ack(acked, 5)));

    Map<Long, MutationState> states = store.outbox().states(List.of(acked, 999L, pending, quarantined));

    assertEquals(List.of(acked, pending, quarantined), List.copyOf(states.keySet()), "order kept, 999 absent");
    assertEquals(MutationState.ACKED, states.get(acked));
    assertEquals(MutationState.PENDING, states.get(pending));
    assertEquals(MutationState.QUARANTINED, states.get(quarantined));
    assertThrows(IllegalArgumentException.class, () -> store.outbox().states(List.of(0L)));
  }
}
