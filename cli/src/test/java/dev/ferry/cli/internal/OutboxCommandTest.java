package dev.ferry.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.cli.Ferry;
import dev.ferry.store.Ack;
import dev.ferry.store.DocumentApplier;
import dev.ferry.store.LeaseInfo;
import dev.ferry.store.MutationDraft;
import dev.ferry.store.MutationState;
import dev.ferry.store.SyncStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ferry outbox list|requeue|drop} on a local file. */
class OutboxCommandTest {

  @TempDir Path dir;
  private Path db;
  private long pending;
  private long quarantined;

  /** One pending and one quarantined mutation (quarantined as a sync would, under the lease). */
  @BeforeEach
  void file() {
    db = dir.resolve("a.db");
    try (SyncStore store = SyncStore.open(db)) {
      pending = store.jdbi().inTransaction(h -> store.documents().put(h,
          MutationDraft.upsert("notes", "note", "n-1", "{\"title\":\"kept\"}")));
      quarantined = store.jdbi().inTransaction(h -> store.documents().put(h,
          MutationDraft.upsert("notes", "note", "n-2", "{\"title\":\"refused\"}")));
      LeaseInfo lease = store.leases().acquire("cloud", "test/1/1", Duration.ofMinutes(1));
      store.fenced(lease.fence(), new DocumentApplier()).quarantine(quarantined, "validation_error", "too odd");
      store.leases().release(lease.fence());
    }
  }

  @Test
  void list_json_showsPendingAndQuarantinedRowsWithTheirErrors() {
    JsonNode doc = Cli.run("outbox", "list", "--db", db.toString(), "--json").expect(Ferry.OK).json();

    assertEquals(1, doc.get("pending_count").asInt());
    assertEquals(1, doc.get("quarantined_count").asInt());
    JsonNode rows = doc.get("mutations");
    assertEquals(2, rows.size());
    assertEquals(pending, rows.get(0).get("seq").asLong());
    assertEquals("pending", rows.get(0).get("state").asText());
    assertEquals("kept", rows.get(0).at("/payload/title").asText());
    assertEquals("quarantined", rows.get(1).get("state").asText());
    assertEquals("validation_error", rows.get(1).get("error_code").asText());
    assertEquals("too odd", rows.get(1).get("last_error").asText());
  }

  @Test
  void list_text_oneLinePerRowFilteredByState() {
    Cli.Result all = Cli.run("outbox", "list", "--db", db.toString()).expect(Ferry.OK);
    assertTrue(all.out().contains("1 pending, 1 quarantined"), all.out());
    assertTrue(all.out().contains("notes/note/n-2"), all.out());
    assertTrue(all.out().contains("validation_error: too odd"), all.out());

    Cli.Result onlyPending = Cli.run("outbox", "list", "--db", db.toString(), "--state", "pending").expect(Ferry.OK);
    assertTrue(onlyPending.out().contains("notes/note/n-1"), onlyPending.out());
    assertTrue(!onlyPending.out().contains("notes/note/n-2"), onlyPending.out());
  }

  @Test
  void requeue_movesQuarantinedRowsBackToPending_andSaysWhichWereAlreadyPending() {
    JsonNode doc = Cli.run("outbox", "requeue", "--db", db.toString(), "--json", Long.toString(quarantined),
        Long.toString(pending)).expect(Ferry.OK).json();

    assertEquals(1, doc.get("requeued").asInt());
    assertEquals(pending, doc.get("already_pending").get(0).asLong());
    try (SyncStore store = SyncStore.open(db)) {
      assertEquals(2, store.outbox().pendingCount("cloud"));
      assertEquals(0, store.outbox().quarantinedCount("cloud"));
    }
    Cli.Result again = Cli.run("outbox", "requeue", "--db", db.toString(), Long.toString(quarantined))
        .expect(Ferry.OK);
    assertTrue(again.out().startsWith("requeued 0 of 1 mutation(s) (1 already pending)"), again.out());
  }

  @Test
  void requeueOrDrop_unknownOrAckedSeq_refusesTheWholeRequestAndChangesNothing() {
    long acked;
    try (SyncStore store = SyncStore.open(db)) {
      acked = store.jdbi().inTransaction(h -> store.documents().put(h,
          MutationDraft.upsert("notes", "note", "n-3", "{}")));
      LeaseInfo lease = store.leases().acquire("cloud", "test/1/1", Duration.ofMinutes(1));
      store.fenced(lease.fence(), new DocumentApplier()).ack(List.of(new Ack(acked, 77)));
      store.leases().release(lease.fence());
    }
    String q = Long.toString(quarantined);
    String p = Long.toString(pending);

    Cli.Result unknown = Cli.run("outbox", "drop", "--db", db.toString(), q, p, "9999").expect(Ferry.FAILED);
    assertEquals("ferry outbox drop: nothing dropped: seq 9999 does not exist; see 'ferry outbox list'",
        unknown.err().strip());
    Cli.Result ackedDrop = Cli.run("outbox", "drop", "--db", db.toString(), q, Long.toString(acked), "--json")
        .expect(Ferry.FAILED);
    assertTrue(ackedDrop.json().get("error").asText().contains("seq " + acked + " is acked"), ackedDrop.out());
    Cli.Result requeue = Cli.run("outbox", "requeue", "--db", db.toString(), q, "9998", Long.toString(acked))
        .expect(Ferry.FAILED);
    assertTrue(requeue.err().contains("nothing requeued: seq 9998 does not exist, seq " + acked + " is acked"),
        requeue.err());

    try (SyncStore store = SyncStore.open(db)) {
      assertEquals(1, store.outbox().pendingCount("cloud"));
      assertEquals(1, store.outbox().quarantinedCount("cloud"));
      assertEquals(1, store.outbox().list("cloud", MutationState.ACKED, 10).size());
    }
  }

  @Test
  void drop_deletesTheRows() {
    Cli.Result r = Cli.run("outbox", "drop", "--db", db.toString(), Long.toString(quarantined)).expect(Ferry.OK);

    assertTrue(r.out().startsWith("dropped 1 of 1"), r.out());
    try (SyncStore store = SyncStore.open(db)) {
      assertEquals(0, store.outbox().list("cloud", MutationState.QUARANTINED, 10).size());
      assertEquals(1, store.outbox().pendingCount("cloud"));
    }
  }

  @Test
  void requeueOrDrop_badSeqs_areBadUsageAndChangeNothing() {
    Cli.run("outbox", "drop", "--db", db.toString()).expect(Ferry.USAGE);
    Cli.run("outbox", "drop", "--db", db.toString(), "seven").expect(Ferry.USAGE);
    assertTrue(Cli.run("outbox", "drop", "--db", db.toString(), "0").expect(Ferry.USAGE).err().contains("positive"));
    Cli.run("outbox", "list", "--db", db.toString(), "--state", "lost").expect(Ferry.USAGE);

    try (SyncStore store = SyncStore.open(db)) {
      assertEquals(1, store.outbox().pendingCount("cloud"));
      assertEquals(1, store.outbox().quarantinedCount("cloud"));
    }
  }
}
