package dev.ferry.store;

import static dev.ferry.store.Fixtures.TARGET;
import static dev.ferry.store.Fixtures.note;
import static dev.ferry.store.Fixtures.remote;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Resetting a target to a new server log, resyncing, and raising the lease epoch past the server's. */
class FencedWriterLogResetTest extends OpenStoreTest {

  /** Two remote documents, one local write acked at seq 3 and one still pending, cursor at 4. */
  private FencedWriter synced(MutationApplier applier) {
    FencedWriter writer = store.fenced(Fixtures.lease(store), applier);
    writer.applyPage(List.of(remote(1, "remote-1", "{\"r\":1}"), remote(2, "remote-2", "{\"r\":2}")), 2);
    long acked = store.jdbi().inTransaction(h -> store.documents().put(h, note("mine-acked", "{\"m\":1}")));
    writer.ack(List.of(new Ack(acked, 3)));
    writer.applyPage(List.of(Fixtures.own(store, 3, acked, "mine-acked", "{\"m\":1}"),
        remote(4, "remote-1", "{\"r\":4}")), 4);
    store.jdbi().inTransaction(h -> store.documents().put(h, note("mine-pending", "{\"p\":1}")));
    writer.adoptLogId("old-log");
    return writer;
  }

  @Test
  void resetToLog_documentApplier_requeuesAckedKeepsLocalDocumentsAndRestartsTheCursor() {
    FencedWriter writer = synced(new DocumentApplier());
    // A newer remote write held back by the pending local write: a shadow with an old-log seq.
    writer.applyPage(List.of(remote(5, "mine-pending", "{\"r\":5}")), 5);

    LogReset r = writer.resetToLog("new-log", 2);

    assertEquals(new LogReset(true, 1), r);
    TargetState s = store.targets().state(TARGET);
    assertEquals(0, s.lastPulledSeq());
    assertEquals(2, s.serverLatestSeq(), "the server's latest as reported, below the old cursor");
    assertEquals("new-log", s.logId());
    assertEquals(2, store.outbox().pendingCount(TARGET), "the acked write is pending again, the pending one stays");
    assertTrue(store.documents().get("notes", "note", "remote-1").isEmpty(), "came from the old log alone");
    assertTrue(store.documents().get("notes", "note", "remote-2").isEmpty());
    Document kept = store.documents().get("notes", "note", "mine-acked").orElseThrow();
    assertEquals("{\"m\":1}", kept.payloadJson());
    assertNull(kept.serverSeq(), "old-log seqs do not order new-log writes");
    assertEquals("{\"p\":1}", store.documents().get("notes", "note", "mine-pending").orElseThrow().payloadJson());
    assertTrue(store.targets().pauseReasons(TARGET).isEmpty());

    // The new log: the re-pushed write is acked at seq 1, its echo applied; a remote write at 2.
    long ackedSeq = store.outbox().list(TARGET, MutationState.PENDING, 10).get(0).seq();
    writer.ack(List.of(new Ack(ackedSeq, 1)));
    ApplyResult page = writer.applyPage(List.of(Fixtures.own(store, 1, ackedSeq, "mine-acked", "{\"m\":1}"),
        remote(2, "remote-2", "{\"new\":2}")), 2);
    assertEquals(2, page.applied(), "the echo of a re-pushed write is applied, not skipped");
    assertEquals(1L, store.documents().get("notes", "note", "mine-acked").orElseThrow().serverSeq());
    assertEquals("{\"new\":2}", store.documents().get("notes", "note", "remote-2").orElseThrow().payloadJson());
    assertEquals(2, store.targets().state(TARGET).lastPulledSeq());
  }

  @Test
  void resetToLog_applierWithoutReset_changesNothingAndPausesForResync() {
    MutationApplier host = (context, mutation) -> { };
    FencedWriter writer = synced(host);
    List<Document> before = store.documents().listAll();

    LogReset r = writer.resetToLog("new-log", 2);

    assertFalse(r.rebuilt());
    TargetState s = store.targets().state(TARGET);
    assertEquals(4, s.lastPulledSeq());
    assertEquals(2, s.serverLatestSeq(), "status shows what the server reports");
    assertEquals("old-log", s.logId());
    assertEquals(1, store.outbox().pendingCount(TARGET));
    assertEquals(before, store.documents().listAll());
    assertEquals(Set.of(TargetStore.RESYNC_REQUIRED), store.targets().pauseReasons(TARGET));

    LogReset resynced = writer.resync();

    assertEquals(new LogReset(true, 1), resynced);
    TargetState after = store.targets().state(TARGET);
    assertEquals(0, after.lastPulledSeq());
    assertNull(after.logId(), "adopted from the next server answer");
    assertTrue(store.targets().pauseReasons(TARGET).isEmpty());
    assertEquals(2, store.outbox().pendingCount(TARGET));
  }

  @Test
  void resetToLog_applierResetThrows_rollsBackEverything() {
    MutationApplier documents = new DocumentApplier();
    FencedWriter writer = synced(new MutationApplier() {
      @Override
      public void apply(ApplyContext context, RemoteMutation mutation) throws Exception {
        documents.apply(context, mutation);
      }

      @Override
      public boolean resetSynced(ApplyContext context) {
        throw new IllegalStateException("disk full");
      }
    });

    assertThrows(ApplyFailedException.class, () -> writer.resetToLog("new-log", 2));

    assertEquals(4, store.targets().state(TARGET).lastPulledSeq());
    assertEquals(1, store.outbox().pendingCount(TARGET));
    assertEquals(4, store.documents().count());
  }

  @Test
  void resetToLog_staleFence_changesNothing() {
    FencedWriter writer = synced(new DocumentApplier());
    store.leases().release(writer.fence());
    clock.advance(Duration.ofSeconds(1));
    Fixtures.lease(store);

    assertThrows(LeaseLostException.class, () -> writer.resetToLog("new-log", 0));
    assertEquals(4, store.targets().state(TARGET).lastPulledSeq());
  }

  @Test
  void raiseEpoch_movesPastTheServersEpochInOneStep_andFencesTheOldWriter() {
    FencedWriter writer = store.fenced(Fixtures.lease(store), new DocumentApplier());
    Fence old = writer.fence();

    LeaseInfo raised = store.leases().raiseEpoch(old, 500).orElseThrow();

    assertEquals(501, raised.epoch());
    assertEquals(old.owner(), raised.owner());
    assertTrue(raised.held());
    assertThrows(LeaseLostException.class, () -> writer.adoptLogId("x"));
    store.fenced(raised.fence(), new DocumentApplier()).adoptLogId("x");
    assertTrue(store.leases().raiseEpoch(old, 900).isEmpty(), "a stale fence raises nothing");
    assertTrue(store.leases().raiseEpoch(raised.fence(), 3).isEmpty(), "already past");
    assertEquals(501, store.leases().current(TARGET).orElseThrow().epoch());
  }
}
