package dev.ferry.store;

import static dev.ferry.store.Fixtures.TARGET;
import static dev.ferry.store.Fixtures.note;
import static dev.ferry.store.Fixtures.remote;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Applying pulled pages: cursor, own echoes, pending-write protection and shadows. */
class FencedWriterApplyPageTest extends OpenStoreTest {

  private FencedWriter writer;

  @BeforeEach
  void setUp() {
    writer = documentWriter();
  }

  @Test
  void applyPage_appliesInOrderAdvancesTheCursorAndCounts() {
    ApplyResult r = writer.applyPage(Fixtures.page(1, 5), 9);
    assertEquals(new ApplyResult(5, 0, 0, 0, 0, 0, 5), r);
    assertEquals(5, r.pulled());
    assertEquals("{\"n\":3}", doc("k-3"));
    TargetState s = store.targets().state(TARGET);
    assertEquals(5, s.lastPulledSeq());
    assertEquals(9, s.serverLatestSeq());
    assertEquals(5, s.totalPulled());
    assertEquals(5, s.totalApplied());
    assertEquals(DocumentApplier.ID, s.applierId());
  }

  @Test
  void applyPage_mutationsAtOrBelowTheCursor_areSkipped() {
    writer.applyPage(Fixtures.page(1, 5), 5);
    ApplyResult r = writer.applyPage(List.of(remote(4, "k-4", "{\"replayed\":true}"), remote(5, "k-5", "{}"),
        remote(6, "k-6", "{\"n\":6}")), 6);
    assertEquals(2, r.skippedAtOrBelowCursor());
    assertEquals(1, r.applied());
    assertEquals(6, r.cursor());
    assertEquals("{\"n\":4}", doc("k-4"));
    ApplyResult empty = writer.applyPage(List.of(), 6);
    assertEquals(6, empty.cursor(), "an empty page leaves the cursor where it is");
  }

  @Test
  void applyPage_ownEcho_isNotAppliedButMovesTheCursor() {
    long seq = put("n-1", "{\"v\":\"local\"}");
    writer.ack(List.of(new Ack(seq, 1)));
    ApplyResult r = writer.applyPage(List.of(Fixtures.own(store, 1, seq, "n-1", "{\"v\":\"echo\"}")), 1);
    assertEquals(1, r.ownEchoes());
    assertEquals(0, r.applied());
    assertEquals(1, r.cursor());
    assertEquals("{\"v\":\"local\"}", doc("n-1"));
  }

  @Test
  void pendingLocalWrite_protectsItsKeyAndTheNewestRemoteBecomesTheShadow() {
    put("n-1", "{\"v\":\"local\"}");
    ApplyResult r = writer.applyPage(List.of(remote(1, "n-1", "{\"v\":\"r1\"}"), remote(2, "other", "{}"),
        remote(3, "n-1", "{\"v\":\"r3\"}")), 3);
    assertEquals(new ApplyResult(1, 0, 2, 0, 0, 0, 3), r);
    assertEquals("{\"v\":\"local\"}", doc("n-1"));
    assertEquals(List.of("n-1:3:{\"v\":\"r3\"}"), shadows());
  }

  @Test
  void ackedLocalWriteWithHigherServerSeq_supersedesOlderRemoteWrites() {
    writer.applyPage(Fixtures.page(1, 2), 2);
    long seq = put("n-1", "{\"v\":\"local\"}");
    writer.ack(List.of(new Ack(seq, 10)));
    ApplyResult r = writer.applyPage(List.of(remote(8, "n-1", "{\"v\":\"older\"}")), 10);
    assertEquals(1, r.superseded());
    assertEquals("{\"v\":\"local\"}", doc("n-1"));
    assertEquals(List.of(), shadows(), "a superseded write can never win, so it is not kept");
    writer.applyPage(List.of(remote(11, "n-1", "{\"v\":\"newer\"}")), 11);
    assertEquals("{\"v\":\"newer\"}", doc("n-1"), "a later remote write wins again");
  }

  @Test
  void quarantine_ofTheProtectingWrite_appliesTheShadow() {
    long seq = put("n-1", "{\"v\":\"local\"}");
    writer.applyPage(List.of(remote(7, "n-1", "{\"v\":\"remote\"}")), 7);
    assertEquals("{\"v\":\"local\"}", doc("n-1"));
    writer.quarantine(seq, "validation_error", "refused by the server");
    assertEquals("{\"v\":\"remote\"}", doc("n-1"));
    assertEquals(7L, store.documents().get("notes", "note", "n-1").orElseThrow().serverSeq());
    assertEquals(List.of(), shadows());
    assertEquals(1, store.targets().state(TARGET).totalApplied());
  }

  @Test
  void ack_withLowerServerSeqThanTheShadow_appliesTheShadow() {
    // The push was stored as seq 5 but its response was lost; the remote write 7 was pulled
    // meanwhile; the retried push comes back duplicate with seq 5: server order says 7 wins.
    long seq = put("n-1", "{\"v\":\"local\"}");
    writer.applyPage(List.of(remote(7, "n-1", "{\"v\":\"remote\"}")), 7);
    writer.ack(List.of(new Ack(seq, 5)));
    assertEquals("{\"v\":\"remote\"}", doc("n-1"));
    assertEquals(List.of(), shadows());
  }

  @Test
  void ack_withHigherServerSeqThanTheShadow_discardsTheShadow() {
    long seq = put("n-1", "{\"v\":\"local\"}");
    writer.applyPage(List.of(remote(7, "n-1", "{\"v\":\"remote\"}")), 7);
    writer.ack(List.of(new Ack(seq, 9)));
    assertEquals("{\"v\":\"local\"}", doc("n-1"));
    assertEquals(List.of(), shadows());
    writer.applyPage(List.of(Fixtures.own(store, 9, seq, "n-1", "{\"v\":\"local\"}")), 9);
    assertEquals("{\"v\":\"local\"}", doc("n-1"));
  }

  @Test
  void shadow_waitsUntilNoLocalWriteOfTheKeyIsPending() {
    long first = put("n-1", "{\"v\":\"local 1\"}");
    long second = put("n-1", "{\"v\":\"local 2\"}");
    writer.applyPage(List.of(remote(7, "n-1", "{\"v\":\"remote\"}")), 7);
    writer.ack(List.of(new Ack(first, 5)));
    assertEquals(1, shadows().size(), "the second local write still protects the key");
    writer.ack(List.of(new Ack(second, 8)));
    assertEquals("{\"v\":\"local 2\"}", doc("n-1"), "local 2 (seq 8) wins over remote 7");
    assertEquals(List.of(), shadows());
  }

  @Test
  void ack_discardsTheShadowsItBeatsWhileTheKeyStaysPending_soPruningCannotResurrectThem() {
    long first = put("n-1", "{\"v\":\"local 1\"}");
    long second = put("n-1", "{\"v\":\"local 2\"}");
    writer.applyPage(List.of(remote(7, "n-1", "{\"v\":\"remote 7\"}")), 7);
    writer.ack(List.of(new Ack(first, 9)));
    assertEquals(List.of(), shadows(), "remote 7 lost to local 1 at seq 9 even though local 2 is pending");
    writer.applyPage(List.of(Fixtures.own(store, 9, first, "n-1", "{\"v\":\"local 1\"}")), 9);
    clock.advance(Duration.ofDays(8));
    assertEquals(1, store.outbox().prune(TARGET), "local 1 is acked, passed by the cursor and old");
    FencedWriter renewed = store.fenced(Fixtures.lease(store), new DocumentApplier());
    renewed.quarantine(second, "validation_error", "refused by the server");
    assertEquals("{\"v\":\"local 2\"}", doc("n-1"), "remote 7 is older than local 1 in server order");
    assertEquals(0, store.targets().state(TARGET).totalApplied());
  }

  @Test
  void operatorDrop_ofTheProtectingWrite_letsTheNextPageApplyTheShadowFirst() {
    long seq = put("n-1", "{\"v\":\"local\"}");
    writer.applyPage(List.of(remote(7, "n-1", "{\"v\":\"remote 7\"}")), 7);
    store.outbox().drop(List.of(seq));
    ApplyResult r = writer.applyPage(List.of(remote(8, "x", "{}")), 8);
    assertEquals(1, r.releasedShadows());
    assertEquals(2, r.applied());
    assertEquals("{\"v\":\"remote 7\"}", doc("n-1"));
  }

  @Test
  void applierThrows_keepsWhatCameBeforeAndStopsTheCursorBeforeTheFailingMutation() {
    store.jdbi().useHandle(h -> h.execute("CREATE TABLE host_log (seq INTEGER)"));
    long seq = put("n-1", "{\"v\":\"local\"}");
    writer.applyPage(List.of(remote(1, "n-1", "{\"v\":\"remote 1\"}")), 1);
    store.outbox().drop(List.of(seq));

    IllegalStateException boom = new IllegalStateException("host table is full");
    MutationApplier failing = new MutationApplier() {
      @Override
      public void apply(ApplyContext ctx, RemoteMutation m) {
        ctx.handle().execute("INSERT INTO host_log VALUES (?)", m.serverSeq());
        if (m.serverSeq() == 4) {
          throw boom;
        }
      }

      @Override
      public String id() {
        return DocumentApplier.ID;
      }
    };
    FencedWriter w = store.fenced(writer.fence(), failing);
    ApplyFailedException e = assertThrows(ApplyFailedException.class, () -> w.applyPage(Fixtures.page(2, 4), 5));
    assertSame(boom, e.getCause());
    assertEquals(4, e.serverSeq(), "the mutation that failed, not the first of the page");
    assertTrue(e.getMessage().contains("server seq 4") && e.getMessage().contains("attempt 1 of 3"), e.getMessage());
    assertEquals(3, store.targets().state(TARGET).lastPulledSeq(), "the cursor waits before the failing mutation");
    assertEquals(List.of(1L, 2L, 3L), store.jdbi().withHandle(h -> h.select("SELECT seq FROM host_log ORDER BY seq")
        .mapTo(Long.class).list()), "the released shadow and the mutations before the failing one are applied once");
    assertEquals(List.of(), shadows());
  }

  @Test
  void ack_whoseReleasedShadowFailsToApply_isCommittedAndThePullSideReportsTheFailure() {
    long seq = put("n-1", "{\"v\":\"local\"}");
    writer.applyPage(List.of(remote(7, "n-1", "{\"v\":\"remote\"}")), 7);
    FencedWriter failing = store.fenced(writer.fence(), failingDocumentApplier());

    assertEquals(1, failing.ack(List.of(new Ack(seq, 5))), "the ack must not be held hostage by the applier");

    assertEquals(0, store.outbox().pendingCount(TARGET));
    assertEquals(5L, store.outbox().list(TARGET, MutationState.ACKED, 10).get(0).serverSeq());
    assertEquals(List.of("n-1:7:{\"v\":\"remote\"}"), shadows(), "kept for the next page");
    ApplyFailedException e = assertThrows(ApplyFailedException.class, () -> failing.applyPage(List.of(), 7));
    assertEquals(7, e.serverSeq());
    writer.applyPage(List.of(), 7);
    assertEquals("{\"v\":\"remote\"}", doc("n-1"));
  }

  @Test
  void quarantine_whoseReleasedShadowFailsToApply_isCommittedAndTheShadowKept() {
    long seq = put("n-1", "{\"v\":\"local\"}");
    writer.applyPage(List.of(remote(7, "n-1", "{\"v\":\"remote\"}")), 7);

    assertTrue(store.fenced(writer.fence(), failingDocumentApplier()).quarantine(seq, "validation_error", "no"));

    assertEquals(1, store.outbox().quarantinedCount(TARGET));
    assertEquals(1, shadows().size());
    assertEquals(0, store.targets().state(TARGET).totalApplied());
    writer.applyPage(List.of(), 7);
    assertEquals("{\"v\":\"remote\"}", doc("n-1"));
  }

  @Test
  void applyPage_withAnotherApplierThanTheTargetWasSetUpWith_isRefused() {
    writer.applyPage(Fixtures.page(1, 1), 1);
    MutationApplier host = (ctx, m) -> { };
    StoreException e = assertThrows(StoreException.class,
        () -> store.fenced(writer.fence(), host).applyPage(Fixtures.page(2, 1), 2));
    assertEquals(StoreException.Kind.APPLIER_MISMATCH, e.kind());
    assertEquals(1, store.targets().state(TARGET).lastPulledSeq());
    store.targets().bindApplier(TARGET, host.id());
    assertEquals(2, store.fenced(writer.fence(), host).applyPage(Fixtures.page(2, 1), 2).cursor());
  }

  @Test
  void ack_underAnotherApplier_leavesTheShadowForTheTargetsOwnApplier() {
    long seq = put("n-1", "{\"v\":\"local\"}");
    writer.applyPage(List.of(remote(7, "n-1", "{\"v\":\"remote\"}")), 7);
    MutationApplier other = (ctx, m) -> {
      throw new AssertionError("must not be used for target bound to the document applier");
    };
    assertEquals(1, store.fenced(writer.fence(), other).ack(List.of(new Ack(seq, 5))));
    assertEquals(1, shadows().size());
    writer.applyPage(List.of(), 7);
    assertEquals("{\"v\":\"remote\"}", doc("n-1"));
  }

  @Test
  void applyPage_outOfOrder_isRefusedBeforeAnythingIsWritten() {
    String before = Snapshot.of(store);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> writer.applyPage(List.of(remote(2, "a", "{}"), remote(2, "b", "{}")), 2));
    assertEquals("page must be in strictly increasing serverSeq order, but page[1] has serverSeq 2 after 2",
        e.getMessage());
    assertEquals(before, Snapshot.of(store));
  }

  private static MutationApplier failingDocumentApplier() {
    return new MutationApplier() {
      @Override
      public void apply(ApplyContext ctx, RemoteMutation m) {
        throw new IllegalStateException("host table is full");
      }

      @Override
      public String id() {
        return DocumentApplier.ID;
      }
    };
  }

  private long put(String key, String payload) {
    return store.jdbi().inTransaction(h -> store.documents().put(h, note(key, payload)));
  }

  private String doc(String key) {
    return store.documents().get("notes", "note", key).orElseThrow().payloadJson();
  }

  private List<String> shadows() {
    return store.jdbi().withHandle(h -> h.select(
        "SELECT entity_key || ':' || server_seq || ':' || payload FROM ferry_shadows ORDER BY entity_key")
        .mapTo(String.class).list());
  }
}
