package dev.ferry.store;

import static dev.ferry.store.Fixtures.TARGET;
import static dev.ferry.store.Fixtures.note;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DocumentsTest {

  @TempDir Path dir;
  private final TestClock clock = new TestClock();
  private SyncStore store;
  private Documents documents;

  @BeforeEach
  void setUp() {
    store = Fixtures.open(dir, clock);
    documents = store.documents();
  }

  @AfterEach
  void tearDown() {
    store.close();
  }

  @Test
  void put_writesTheDocumentAndRecordsTheMutationTogether() {
    long seq = store.jdbi().inTransaction(h -> documents.put(h, note("n-1", "{\"t\":1}")));
    assertEquals(Optional.of(new Document("notes", "note", "n-1", "{\"t\":1}", false, null, clock.millis())),
        documents.get("notes", "note", "n-1"));
    PendingMutation m = store.outbox().pending(TARGET, 0, 10, Set.of()).get(0);
    assertEquals(seq, m.seq());
    assertEquals("{\"t\":1}", m.payloadJson());
  }

  @Test
  void documentApplier_onASecondTarget_isRefusedBecauseTwoServersSeqsDoNotCompare() {
    FencedWriter cloud = store.fenced(Fixtures.lease(store), new DocumentApplier());
    cloud.applyPage(List.of(Fixtures.remote(5, "n-1", "{\"from\":\"cloud\"}")), 5);
    Fence backupFence = store.leases().acquire("backup", "me", Duration.ofMinutes(1)).fence();
    String before = Snapshot.of(store);

    StoreException page = assertThrows(StoreException.class, () -> store.fenced(backupFence, new DocumentApplier())
        .applyPage(List.of(Fixtures.remote(9, "n-1", "{\"from\":\"backup\"}")), 9));
    assertEquals(StoreException.Kind.APPLIER_MISMATCH, page.kind());
    assertTrue(page.getMessage().contains("ferry_documents already follows target cloud"), page.getMessage());
    StoreException bind = assertThrows(StoreException.class,
        () -> store.targets().bindApplier("backup", DocumentApplier.ID));
    assertEquals(StoreException.Kind.APPLIER_MISMATCH, bind.kind());
    assertEquals(before, Snapshot.of(store));

    MutationApplier host = (ctx, m) -> { };
    assertEquals(9, store.fenced(backupFence, host).applyPage(List.of(Fixtures.remote(9, "n-1", "{}")), 9).cursor());
    store.targets().bindApplier(TARGET, DocumentApplier.ID);
    assertEquals("{\"from\":\"cloud\"}", documents.get("notes", "note", "n-1").orElseThrow().payloadJson());
  }

  @Test
  void put_inRolledBackHostTransaction_leavesNeither() {
    assertThrows(IllegalStateException.class, () -> store.jdbi().useTransaction(h -> {
      documents.put(h, note("n-1", "{}"));
      throw new IllegalStateException("rolled back");
    }));
    assertEquals(0, documents.count());
    assertEquals(0, store.outbox().pendingCount(TARGET));
  }

  @Test
  void put_invalidPayloadOrUnknownOp_writesNothing() {
    assertEquals("payloadJson is not valid JSON: unexpected end of input at offset 1",
        assertThrows(IllegalArgumentException.class,
            () -> store.jdbi().useTransaction(h -> documents.put(h, note("n-1", "[")))).getMessage());
    assertEquals("op must be upsert or delete for the document store but was 'merge'",
        assertThrows(IllegalArgumentException.class, () -> store.jdbi().useTransaction(h ->
            documents.put(h, new MutationDraft(TARGET, "notes", "note", "n-1", "merge", "{}")))).getMessage());
    assertEquals(0, documents.count());
    assertEquals(0, store.outbox().highestSeq());
  }

  @Test
  void put_delete_leavesATombstone() {
    store.jdbi().useTransaction(h -> documents.put(h, note("n-1", "{\"t\":1}")));
    store.jdbi().useTransaction(h -> documents.put(h, MutationDraft.delete("notes", "note", "n-1")));
    Document d = documents.get("notes", "note", "n-1").orElseThrow();
    assertTrue(d.deleted());
    assertEquals("null", d.payloadJson());
    assertEquals("delete", store.outbox().list(TARGET, MutationState.PENDING, 10).get(1).op());
  }

  @Test
  void documentApplier_lastWriterByServerOrder_withTombstones() throws Exception {
    FencedWriter w = store.fenced(Fixtures.lease(store), new DocumentApplier());
    w.applyPage(List.of(Fixtures.remote(1, "a", "{\"v\":1}"), Fixtures.remote(2, "b", "{\"v\":1}"),
        Fixtures.remoteDelete(3, "a")), 3);
    assertTrue(documents.get("notes", "note", "a").orElseThrow().deleted());
    assertEquals(3L, documents.get("notes", "note", "a").orElseThrow().serverSeq());
    assertEquals(2L, documents.get("notes", "note", "a").orElseThrow().updatedAtMillis(), "the server's accept time");

    // A write older in server order than what a document holds is ignored, even if it arrives later
    // (here: handed to the applier directly, as a released shadow would be).
    store.jdbi().useTransaction(h -> new DocumentApplier().applyAll(new ApplyContext() {
      @Override
      public Handle handle() {
        return h;
      }

      @Override
      public Connection connection() {
        return h.getConnection();
      }

      @Override
      public String target() {
        return TARGET;
      }
    }, List.of(Fixtures.remote(2, "a", "{\"v\":\"stale\"}"))));
    assertTrue(documents.get("notes", "note", "a").orElseThrow().deleted());

    w.applyPage(List.of(Fixtures.remote(4, "a", "{\"v\":\"back\"}")), 4);
    Document a = documents.get("notes", "note", "a").orElseThrow();
    assertFalse(a.deleted());
    assertEquals("{\"v\":\"back\"}", a.payloadJson());
    assertEquals(List.of("a", "b"), documents.list("notes", "note").stream().map(Document::entityKey).toList());
    assertEquals(2, documents.listAll().size());
    assertEquals(2, documents.list("notes").size());
  }

  @Test
  void documentApplier_unknownOp_isQuarantinedAsPoisonInsteadOfDroppedOrBlockingThePage() {
    FencedWriter w = store.fenced(Fixtures.lease(store), new DocumentApplier());
    RemoteMutation merge = new RemoteMutation(2, "other", 2, "notes", "note", "a", "merge", "{}", 0, 0);
    ApplyResult r = w.applyPage(List.of(Fixtures.remote(1, "b", "{}"), merge, Fixtures.remote(3, "c", "{}")), 3);
    assertEquals(2, r.applied());
    assertEquals(1, r.quarantined());
    assertEquals(3, store.targets().state(TARGET).lastPulledSeq());
    assertNull(documents.get("notes", "note", "a").orElse(null));
    InboundMutation q = store.inbox().list(TARGET, 0, 10).get(0);
    assertEquals(Inbox.POISON, q.errorCode());
    assertTrue(q.error().contains("op 'merge'"), q.error());
  }
}
