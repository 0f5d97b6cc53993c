package dev.ferry.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.cli.Ferry;
import dev.ferry.core.SyncStatus;
import dev.ferry.store.DocumentApplier;
import dev.ferry.store.LeaseInfo;
import dev.ferry.store.RemoteMutation;
import dev.ferry.store.SyncStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ferry inbox list|retry|skip} and {@code ferry replica reset-id} on a local file. */
class InboxCommandTest {

  @TempDir Path dir;
  private Path db;

  /** Pulled as a sync would: a valid mutation, one with an op the document applier does not know, another. */
  @BeforeEach
  void file() {
    db = dir.resolve("a.db");
    try (SyncStore store = SyncStore.open(db)) {
      LeaseInfo lease = store.leases().acquire("cloud", "test/1/1", Duration.ofMinutes(1));
      store.fenced(lease.fence(), new DocumentApplier()).applyPage(List.of(
          remote(1, "n-1", "upsert"), remote(2, "n-2", "archive"), remote(3, "n-3", "archive")), 3);
      store.leases().release(lease.fence());
    }
  }

  @Test
  void list_showsTheQuarantinedMutationsWithTheirError_andStatusCountsThem() {
    JsonNode doc = Cli.run("inbox", "list", "--db", db.toString(), "--json").expect(Ferry.OK).json();
    assertEquals(2, doc.get("count").asInt());
    assertEquals(2, doc.get("mutations").get(0).get("server_seq").asLong());
    assertEquals("archive", doc.get("mutations").get(0).get("op").asText());
    assertEquals("poison", doc.get("mutations").get(0).get("error_code").asText());

    Cli.Result text = Cli.run("inbox", "list", "--db", db.toString()).expect(Ferry.OK);
    assertTrue(text.out().contains("notes/note/n-2"), text.out());
    JsonNode status = Cli.run("status", "--db", db.toString(), "--json").expect(Ferry.OK).json();
    assertEquals(2, status.at("/inbound_quarantined/count").asInt(), status.toString());
    assertEquals(1, status.at("/inbound_quarantined/keys/notes~1note~1n-3").asInt(), status.toString());
  }

  @Test
  void retry_ofAMutationTheDocumentApplierStillRefuses_keepsItAndExitsFailed_skipRemovesIt() {
    JsonNode doc = Cli.run("inbox", "retry", "--db", db.toString(), "--json", "2").expect(Ferry.FAILED).json();
    assertEquals("failed", doc.get("results").get(0).get("outcome").asText());

    Cli.run("inbox", "skip", "--db", db.toString(), "2", "9").expect(Ferry.FAILED);
    Cli.run("inbox", "skip", "--db", db.toString(), "2").expect(Ferry.OK);
    try (SyncStore store = SyncStore.open(db)) {
      assertEquals(1, store.inbox().count("cloud"));
      assertEquals(1, SyncStatus.read(store, "cloud").inboundQuarantinedCount());
    }
  }

  @Test
  void replicaResetId_givesTheFileAFreshIdAndStatusSaysSo() {
    String before;
    try (SyncStore store = SyncStore.open(db)) {
      before = store.replicaId();
    }
    JsonNode doc = Cli.run("replica", "reset-id", "--db", db.toString(), "--reason", "restored from backup", "--json")
        .expect(Ferry.OK).json();
    assertEquals(before, doc.get("previous_id").asText());
    assertNotEquals(before, doc.get("replica_id").asText());
    JsonNode status = Cli.run("status", "--db", db.toString(), "--json").expect(Ferry.OK).json();
    assertEquals(doc.get("replica_id").asText(), status.get("replica_id").asText());
    assertEquals(before, status.at("/replica_reset/previous_id").asText());
    assertEquals("restored from backup", status.at("/replica_reset/reason").asText());
  }

  private static RemoteMutation remote(long seq, String key, String op) {
    return new RemoteMutation(seq, "other", seq, "notes", "note", key, op, "{\"v\":" + seq + "}", 1, 2);
  }
}
