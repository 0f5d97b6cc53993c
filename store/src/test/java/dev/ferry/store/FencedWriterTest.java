package dev.ferry.store;

import static dev.ferry.store.Fixtures.TARGET;
import static dev.ferry.store.Fixtures.note;
import static dev.ferry.store.Fixtures.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class FencedWriterTest extends OpenStoreTest {

  private static final Duration TTL = Duration.ofSeconds(30);

  @Test
  void everyWrite_afterAnotherOwnerTookOver_throwsLeaseLostAndChangesNothing() {
    long pending = record(store, note("a", "{}"));
    long quarantined = record(store, note("b", "{}"));
    FencedWriter stale = store.fenced(store.leases().acquire(TARGET, "old", TTL).fence(), new DocumentApplier());
    stale.quarantine(quarantined, "validation_error", "no");
    clock.advance(TTL);
    assertEquals(2, store.leases().acquire(TARGET, "new", TTL).epoch());

    assertAllRefused(stale, pending, quarantined, "now new at epoch 2, not old at epoch 1");
  }

  @Test
  void everyWrite_afterTheLeaseExpired_throwsLeaseLostEvenWithoutANewOwner() {
    long pending = record(store, note("a", "{}"));
    long quarantined = record(store, note("b", "{}"));
    FencedWriter writer = store.fenced(store.leases().acquire(TARGET, "me", TTL).fence(), new DocumentApplier());
    writer.quarantine(quarantined, "validation_error", "no");
    clock.advance(TTL);

    assertAllRefused(writer, pending, quarantined, "expired at");
  }

  @Test
  void everyWrite_afterRelease_throwsLeaseLost() {
    long pending = record(store, note("a", "{}"));
    Fence fence = store.leases().acquire(TARGET, "me", TTL).fence();
    store.leases().release(fence);
    assertAllRefused(store.fenced(fence, new DocumentApplier()), pending, pending, "expired at");
  }

  @Test
  void write_withoutAnyLeaseRow_throwsLeaseLost() {
    FencedWriter w = store.fenced(new Fence(TARGET, "me", 1), new DocumentApplier());
    LeaseLostException e = assertThrows(LeaseLostException.class, () -> w.noteRetry(List.of(1L), "x"));
    assertTrue(e.getMessage().contains("has no lease"), e.getMessage());
    assertEquals(StoreException.Kind.LEASE_LOST, e.kind());
  }

  @Test
  void ack_recordsServerSeqAndCountsPushed() {
    long a = record(store, note("a", "{}"));
    long b = record(store, note("b", "{}"));
    FencedWriter w = store.fenced(Fixtures.lease(store), new DocumentApplier());
    w.noteRetry(List.of(a), "project_paused: later");
    assertEquals(2, w.ack(List.of(new Ack(a, 41), new Ack(b, 42))));
    assertEquals(0, w.ack(List.of(new Ack(a, 41))), "acking twice changes nothing");
    List<PendingMutation> acked = store.outbox().list(TARGET, MutationState.ACKED, 10);
    assertEquals(List.of(41L, 42L), acked.stream().map(PendingMutation::serverSeq).toList());
    assertNull(acked.get(0).lastError());
    assertEquals(2, store.targets().state(TARGET).totalPushed());
  }

  @Test
  void ack_ofAnotherTargetsRow_isIgnored() {
    long backup = record(store, note("a", "{}").withTarget("backup"));
    FencedWriter w = store.fenced(Fixtures.lease(store), new DocumentApplier());
    assertEquals(0, w.ack(List.of(new Ack(backup, 5))));
    assertEquals(1, store.outbox().pendingCount("backup"));
  }

  @Test
  void ack_ofAQuarantinedRow_leavesItQuarantinedUntilAnOperatorActs() {
    long a = record(store, note("a", "{}"));
    FencedWriter w = store.fenced(Fixtures.lease(store), new DocumentApplier());
    assertTrue(w.quarantine(a, "validation_error", "no"));
    assertEquals(0, w.ack(List.of(new Ack(a, 5))));
    PendingMutation q = store.outbox().list(TARGET, MutationState.QUARANTINED, 10).get(0);
    assertEquals(a, q.seq());
    assertNull(q.serverSeq());
    assertEquals(0, store.targets().state(TARGET).totalPushed());
  }

  @Test
  void quarantine_andNoteRetry_recordWhyAndKeepTheQueueMoving() {
    long a = record(store, note("a", "{}"));
    long b = record(store, note("b", "{}"));
    FencedWriter w = store.fenced(Fixtures.lease(store), new DocumentApplier());
    assertEquals(1, w.noteRetry(List.of(b), "policy_forbidden: not now"));
    assertTrue(w.quarantine(a, "validation_error", "title too long"));
    assertFalse(w.quarantine(a, "validation_error", "again"), "not pending any more");
    PendingMutation q = store.outbox().list(TARGET, MutationState.QUARANTINED, 10).get(0);
    assertEquals("validation_error", q.errorCode());
    assertEquals("title too long", q.lastError());
    PendingMutation next = store.outbox().pending(TARGET, 0, 10, Set.of()).get(0);
    assertEquals(b, next.seq());
    assertEquals(1, next.attempts());
    assertEquals("policy_forbidden: not now", next.lastError());
    assertEquals(1, w.requeue(List.of(a)));
    assertEquals(2, store.outbox().pendingCount(TARGET));
    assertEquals(1, w.drop(List.of(a)));
    assertEquals(1, store.outbox().pendingCount(TARGET));
  }

  @Test
  void recordCycle_persistsStateAndKeepsTheLastTenErrors() {
    FencedWriter w = store.fenced(Fixtures.lease(store), new DocumentApplier());
    w.recordCycle(new CycleRecord("healthy", "success", 12, false, 0, null, null, null, null, 1000L, null));
    for (int i = 1; i <= 12; i++) {
      w.recordCycle(new CycleRecord("backoff", "failure", 30, true, i, 5000L + i, "transport_failed",
          "server unreachable", "connect refused " + i, null, new ErrorEntry(2000L + i, "transport_failed", "refused " + i)));
    }
    TargetState s = store.targets().state(TARGET);
    assertEquals("backoff", s.phase());
    assertEquals("failure", s.lastOutcome());
    assertEquals(30, s.lastDurationMs());
    assertEquals(12, s.consecutiveFailures());
    assertEquals(12, s.totalFailures());
    assertEquals(5012L, s.backoffUntil());
    assertEquals("transport_failed", s.reasonCode());
    assertEquals("server unreachable", s.reasonMessage());
    assertEquals("connect refused 12", s.lastError());
    assertEquals(1000L, s.lastSyncAt(), "a failed cycle keeps the last successful sync time");
    List<ErrorEntry> errors = store.status(TARGET).recentErrors();
    assertEquals(10, errors.size());
    assertEquals(new ErrorEntry(2012L, "transport_failed", "refused 12"), errors.get(0));
    assertEquals(new ErrorEntry(2003L, "transport_failed", "refused 3"), errors.get(9));
  }

  @Test
  void totals_atLongMax_saturateInsteadOfOverflowing() {
    long a = record(store, note("a", "{}"));
    long echoed = record(store, note("b", "{}"));
    FencedWriter w = store.fenced(Fixtures.lease(store), new DocumentApplier());
    w.recordCycle(new CycleRecord("healthy", "success", 1, false, 0, null, null, null, null, 1000L, null));
    store.jdbi().useHandle(h -> h.execute("UPDATE ferry_targets SET total_pushed = ?, total_pulled = ?,"
        + " total_applied = ?, total_failures = ? WHERE target = ?", Long.MAX_VALUE, Long.MAX_VALUE - 1,
        Long.MAX_VALUE, Long.MAX_VALUE, TARGET));

    w.ack(List.of(new Ack(a, 7)));
    w.applyPage(List.of(Fixtures.remote(1, "x", "{}"), Fixtures.remote(2, "y", "{}"),
        Fixtures.own(store, 3, echoed, "b", "{}")), 3);
    w.recordCycle(new CycleRecord("backoff", "failure", 1, true, 1, 5000L, "transport_failed", "down", "down", null,
        null));

    TargetState s = store.targets().state(TARGET);
    assertEquals(Long.MAX_VALUE, s.totalPushed(), "ack and own echo");
    assertEquals(Long.MAX_VALUE, s.totalPulled());
    assertEquals(Long.MAX_VALUE, s.totalApplied());
    assertEquals(Long.MAX_VALUE, s.totalFailures());
    long integers = store.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM ferry_targets WHERE"
        + " typeof(total_pushed) = 'integer' AND typeof(total_pulled) = 'integer' AND typeof(total_applied) = 'integer'"
        + " AND typeof(total_failures) = 'integer'").mapTo(Long.class).one());
    assertEquals(1, integers, "still integers, not turned into floating point by an overflow");
  }

  private void assertAllRefused(FencedWriter w, long pending, long quarantined, String why) {
    String before = Snapshot.of(store);
    List<Consumer<FencedWriter>> writes = List.of(
        x -> x.ack(List.of(new Ack(pending, 9))),
        x -> x.quarantine(pending, "validation_error", "x"),
        x -> x.noteRetry(List.of(pending), "retry"),
        x -> x.requeue(List.of(quarantined)),
        x -> x.drop(List.of(pending)),
        x -> x.applyPage(Fixtures.page(1, 3), 3),
        x -> x.recordCycle(new CycleRecord("healthy", "success", 1, false, 0, null, null, null, null, 1L,
            new ErrorEntry(1, "x", "y"))));
    for (Consumer<FencedWriter> write : writes) {
      LeaseLostException e = assertThrows(LeaseLostException.class, () -> write.accept(w));
      assertTrue(e.getMessage().contains(why), e.getMessage());
      assertEquals(w.fence(), e.fence());
    }
    assertEquals(before, Snapshot.of(store));
  }
}
