package dev.ferry.store;

import static dev.ferry.store.Fixtures.TARGET;
import static dev.ferry.store.Fixtures.note;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Own echoes ack only the same write; another history under the replica id makes the file take a fresh one. */
class ReplicaIdTest extends OpenStoreTest {

  private FencedWriter writer;

  @BeforeEach
  void setUp() {
    writer = documentWriter();
  }

  @Test
  void echoOfAnotherWriteWithThePendingRowsClientSeq_isNotAckedAndMakesTheFileTakeAFreshId() {
    long seq = put("n-1", "{\"v\":\"mine\"}");
    String oldId = store.replicaId();
    RemoteMutation copysWrite = new RemoteMutation(7, oldId, seq, "notes", "note", "n-2", "upsert",
        "{\"v\":\"the copy's\"}", 1, 2);

    ApplyResult r = writer.applyPage(List.of(copysWrite), 7);

    assertEquals(0, r.ownEchoes());
    assertEquals(1, r.applied(), "not this file's write: applied like a remote one");
    assertEquals("{\"v\":\"the copy's\"}", doc("n-2"));
    assertEquals(1, store.outbox().pendingCount(TARGET), "never acked by an echo of different content");
    assertNotEquals(oldId, store.replicaId());
    ReplicaReset reset = store.status(TARGET).replicaReset();
    assertNotNull(reset);
    assertEquals(oldId, reset.previousId());
    assertTrue(reset.reason().contains("restored from a backup or copied"), reset.reason());
  }

  @Test
  void echoOfTheSameWrite_acksThePendingRowAsBefore() {
    long seq = put("n-1", "{\"v\":\"mine\"}");
    ApplyResult r = writer.applyPage(List.of(Fixtures.own(store, 7, seq, "n-1", "{ \"v\" : \"mine\" }")), 7);
    assertEquals(1, r.ownEchoes());
    assertEquals(0, store.outbox().pendingCount(TARGET));
    assertNull(store.status(TARGET).replicaReset());
  }

  @Test
  void echoBeyondTheHighestLocalSeq_isARestoredFilesLostFuture_appliedUnderAFreshId() {
    String oldId = store.replicaId();
    RemoteMutation lostFuture = new RemoteMutation(4, oldId, 40, "notes", "note", "n-9", "upsert", "{\"v\":9}", 1, 2);
    ApplyResult r = writer.applyPage(List.of(lostFuture), 4);
    assertEquals(1, r.applied());
    assertEquals("{\"v\":9}", doc("n-9"));
    assertNotEquals(oldId, store.replicaId());
  }

  @Test
  void afterAReset_echoesUnderTheFormerIdAreOwnOnlyWhereALocalRowIsThatWrite() {
    long mine = put("n-1", "{\"v\":\"mine\"}");
    writer.ack(List.of(new Ack(mine, 3)));
    String oldId = store.replicaId();
    long pending = put("n-3", "{\"v\":\"pending\"}");

    String newId = store.resetReplicaId("restored from last night's backup");

    assertNotEquals(oldId, newId);
    assertEquals(newId, store.replicaId());
    assertEquals(1, store.outbox().pendingCount(TARGET), "pending writes stay, to be pushed under the new id");
    ApplyResult r = writer.applyPage(List.of(
        new RemoteMutation(3, oldId, mine, "notes", "note", "n-1", "upsert", "{\"v\":\"mine\"}", 1, 2),
        new RemoteMutation(5, oldId, pending + 1, "notes", "note", "n-2", "upsert", "{\"v\":\"copy\"}", 1, 2)), 5);
    assertEquals(1, r.ownEchoes());
    assertEquals(1, r.applied());
    assertEquals("{\"v\":\"copy\"}", doc("n-2"));
    assertEquals(newId, store.replicaId(), "a former id's foreign writes need no new reset");
    assertEquals(1, store.status(TARGET).replicaReset().resets());
  }

  @Test
  void reset_requeuesRowsQuarantinedForReplicaConflict() {
    long seq = put("n-1", "{\"v\":\"mine\"}");
    writer.quarantine(seq, "replica_conflict", "client_seq already stored with other content");
    long other = put("n-2", "{}");
    writer.quarantine(other, "validation_error", "bad");

    store.resetReplicaId("copied to a second machine");

    assertEquals(1, store.outbox().pendingCount(TARGET));
    assertEquals(1, store.outbox().quarantinedCount(TARGET));
    assertEquals(seq, store.outbox().list(TARGET, MutationState.PENDING, 10).get(0).seq());
  }

  private long put(String key, String payload) {
    return store.jdbi().inTransaction(h -> store.documents().put(h, note(key, payload)));
  }

  private String doc(String key) {
    return store.documents().get("notes", "note", key).orElseThrow().payloadJson();
  }
}
