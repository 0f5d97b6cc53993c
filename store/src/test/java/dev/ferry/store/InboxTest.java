package dev.ferry.store;

import static dev.ferry.store.Fixtures.TARGET;
import static dev.ferry.store.Fixtures.note;
import static dev.ferry.store.Fixtures.remote;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Poison pulled mutations: contained in the inbound quarantine, retried or skipped by an operator. */
class InboxTest {

  @TempDir Path dir;
  private final TestClock clock = new TestClock();
  private SyncStore store;
  private Fence fence;
  private FencedWriter writer;

  @BeforeEach
  void setUp() {
    store = Fixtures.open(dir, clock);
    fence = Fixtures.lease(store);
    writer = store.fenced(fence, new DocumentApplier());
  }

  @AfterEach
  void tearDown() {
    store.close();
  }

  @Test
  void unknownOpBetweenValidOnes_validOnesAreAppliedPoisonIsQuarantinedCursorMovesPast() {
    ApplyResult r = writer.applyPage(List.of(remote(1, "a", "{\"v\":1}"), archive(2, "b"), remote(3, "c", "{\"v\":3}")), 3);

    assertEquals(2, r.applied());
    assertEquals(1, r.quarantined());
    assertEquals(3, r.pulled());
    assertEquals(3, store.targets().state(TARGET).lastPulledSeq());
    assertEquals("{\"v\":1}", doc("a"));
    assertEquals("{\"v\":3}", doc("c"));
    assertEquals(1, store.inbox().count(TARGET));
    assertEquals(Map.of("notes/note/b", 1L), store.inbox().keys(TARGET, 10));
    StoreStatus status = store.status(TARGET);
    assertEquals(1, status.inboundQuarantinedCount());
    assertEquals(Map.of("notes/note/b", 1L), status.inboundQuarantinedKeys());
    InboundMutation q = store.inbox().get(TARGET, 2).orElseThrow();
    assertEquals("archive", q.op());
    assertEquals(Inbox.POISON, q.errorCode());
  }

  @Test
  void applierFailingTheSameWayThreeTimes_quarantinesOnTheThirdAndNamesTheRightSeqBefore() {
    MutationApplier failsOnTwo = documentsFailingOn(2, new IllegalStateException("host table is full"));
    FencedWriter w = store.fenced(fence, failsOnTwo);
    for (int attempt = 1; attempt <= 2; attempt++) {
      long since = store.targets().state(TARGET).lastPulledSeq();
      List<RemoteMutation> page = Fixtures.page(1, 3).stream().filter(m -> m.serverSeq() > since).toList();
      ApplyFailedException e = assertThrows(ApplyFailedException.class, () -> w.applyPage(page, 3));
      assertEquals(2, e.serverSeq());
      assertTrue(e.getMessage().contains("attempt " + attempt + " of 3"), e.getMessage());
      assertEquals(1, store.targets().state(TARGET).lastPulledSeq(), "the valid mutation before it is applied");
      assertEquals(0, store.inbox().count(TARGET));
    }
    ApplyResult r = w.applyPage(Fixtures.page(2, 2), 3);
    assertEquals(1, r.quarantined());
    assertEquals(3, r.cursor());
    assertEquals(Inbox.APPLY_FAILED, store.inbox().get(TARGET, 2).orElseThrow().errorCode());
    assertEquals(3, store.inbox().get(TARGET, 2).orElseThrow().attempts());
    assertEquals("{\"n\":3}", doc("k-3"));
  }

  @Test
  void busyStore_isTransientNeverPoison() {
    FencedWriter w = store.fenced(fence,
        documentsFailingOn(2, new StoreBusyException("host database is locked", new RuntimeException("busy"))));
    for (int i = 0; i < 5; i++) {
      assertThrows(ApplyFailedException.class, () -> w.applyPage(Fixtures.page(1, 3), 3));
    }
    assertEquals(0, store.targets().state(TARGET).lastPulledSeq(), "a passing failure keeps the whole page back");
    assertEquals(0, store.inbox().count(TARGET));
    ApplyResult r = writer.applyPage(Fixtures.page(1, 3), 3);
    assertEquals(3, r.applied());
  }

  @Test
  void unmappableMutation_isQuarantinedAndTheCursorMovesPastIt() {
    UnmappableMutation bad = new UnmappableMutation(3, "other", 3, "notes", "", "x", "upsert", "{}", 0, 0,
        "entity must not be blank");
    ApplyResult r = writer.applyPage(List.of(remote(2, "a", "{}")), List.of(bad), 3);
    assertEquals(3, r.cursor());
    assertEquals(1, r.quarantined());
    InboundMutation q = store.inbox().get(TARGET, 3).orElseThrow();
    assertEquals(Inbox.UNMAPPABLE, q.errorCode());
    Inbox.Retry retry = store.inbox().retry(TARGET, List.of(3L), new DocumentApplier()).get(0);
    assertEquals(Inbox.RetryOutcome.FAILED, retry.outcome());
    assertEquals(1, store.inbox().count(TARGET), "kept until skipped");
    assertEquals(1, store.inbox().skip(TARGET, List.of(3L)));
    assertEquals(0, store.inbox().count(TARGET));
  }

  @Test
  void retry_afterALaterWriteOfTheKey_skipsItInServerOrder() {
    writer.applyPage(List.of(remote(1, "a", "{\"v\":1}"), archive(2, "a")), 2);
    writer.applyPage(List.of(remote(5, "a", "{\"v\":5}")), 5);
    assertEquals(5L, store.inbox().get(TARGET, 2).orElseThrow().newerSeq());

    Inbox.Retry r = store.inbox().retry(TARGET, List.of(2L), lenientDocuments()).get(0);

    assertEquals(Inbox.RetryOutcome.SUPERSEDED, r.outcome());
    assertEquals("{\"v\":5}", doc("a"));
    assertEquals(0, store.inbox().count(TARGET));
  }

  @Test
  void retry_withAnApplierThatNowWorks_appliesIt_andAFailureKeepsIt() {
    writer.applyPage(List.of(archive(2, "a"), archive(3, "b")), 3);
    AtomicBoolean healed = new AtomicBoolean();
    MutationApplier host = new MutationApplier() {
      @Override
      public void apply(ApplyContext ctx, RemoteMutation m) throws Exception {
        if (!healed.get() && m.serverSeq() == 3) {
          throw new IllegalStateException("still broken");
        }
        new DocumentApplier().applyAll(ctx, List.of(withOp(m, "upsert")));
      }

      @Override
      public String id() {
        return DocumentApplier.ID;
      }
    };

    List<Inbox.Retry> results = store.inbox().retry(TARGET, List.of(2L, 3L, 9L), host);

    assertEquals(List.of(Inbox.RetryOutcome.APPLIED, Inbox.RetryOutcome.FAILED, Inbox.RetryOutcome.NOT_FOUND),
        results.stream().map(Inbox.Retry::outcome).toList());
    assertEquals("{}", doc("a"));
    assertNull(store.documents().get("notes", "note", "b").orElse(null));
    InboundMutation b = store.inbox().get(TARGET, 3).orElseThrow();
    assertEquals(2, b.attempts());
    assertTrue(b.error().contains("still broken"), b.error());
    healed.set(true);
    assertEquals(Inbox.RetryOutcome.APPLIED, store.inbox().retry(TARGET, List.of(3L), host).get(0).outcome());
    assertEquals(0, store.inbox().count(TARGET));
  }

  @Test
  void retry_whileALocalWriteOfTheKeyIsPending_keepsItAsTheShadow() {
    writer.applyPage(List.of(archive(2, "a")), 2);
    long seq = store.jdbi().inTransaction(h -> store.documents().put(h, note("a", "{\"v\":\"local\"}")));

    assertEquals(Inbox.RetryOutcome.SHADOWED,
        store.inbox().retry(TARGET, List.of(2L), lenientDocuments()).get(0).outcome());
    assertEquals("{\"v\":\"local\"}", doc("a"));
    assertEquals(1, writer.drop(List.of(seq)));
    assertFalse(store.inbox().get(TARGET, 2).isPresent());
  }

  @Test
  void retry_withAnotherApplier_isRefused() {
    writer.applyPage(List.of(archive(2, "a")), 2);
    MutationApplier other = (ctx, m) -> { };
    StoreException e = assertThrows(StoreException.class, () -> store.inbox().retry(TARGET, List.of(2L), other));
    assertEquals(StoreException.Kind.APPLIER_MISMATCH, e.kind());
    assertEquals(1, store.inbox().count(TARGET));
  }

  private static RemoteMutation archive(long seq, String key) {
    return withOp(remote(seq, key, "{}"), "archive");
  }

  private static RemoteMutation withOp(RemoteMutation m, String op) {
    return new RemoteMutation(m.serverSeq(), m.replicaId(), m.clientSeq(), m.project(), m.entity(), m.entityKey(), op,
        m.payloadJson(), m.createdAtMillis(), m.acceptedAtMillis());
  }

  /** The document applier reading any op as an upsert, as a host that learned the new op would. */
  private static MutationApplier lenientDocuments() {
    return new MutationApplier() {
      @Override
      public void apply(ApplyContext ctx, RemoteMutation m) throws Exception {
        new DocumentApplier().applyAll(ctx, List.of(withOp(m, "upsert")));
      }

      @Override
      public String id() {
        return DocumentApplier.ID;
      }
    };
  }

  private static MutationApplier documentsFailingOn(long seq, RuntimeException error) {
    return new MutationApplier() {
      @Override
      public void apply(ApplyContext ctx, RemoteMutation m) throws Exception {
        if (m.serverSeq() == seq) {
          throw error;
        }
        new DocumentApplier().applyAll(ctx, List.of(m));
      }

      @Override
      public String id() {
        return DocumentApplier.ID;
      }
    };
  }

  private String doc(String key) {
    return store.documents().get("notes", "note", key).orElseThrow().payloadJson();
  }
}
