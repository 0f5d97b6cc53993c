package dev.ferry.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.store.EnrollmentMode;
import dev.ferry.transport.TransportException.Kind;
import dev.ferry.transport.wire.WireJson;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The status snapshot, from a live manager and from the file alone, and its JSON. */
class SyncStatusTest {

  @TempDir Path dir;
  private Rig rig;

  @AfterEach
  void close() {
    if (rig != null) {
      rig.close();
    }
  }

  private static List<String> names(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void statusJson_hasEveryFieldOfDesignSection4InSnakeCase() throws Exception {
    rig = Rig.open(dir);
    rig.store.targets().setEnrollment("cloud", EnrollmentMode.EXPLICIT);
    rig.store.targets().enroll("cloud", "notes");
    rig.write("notes", "a", "{}");
    rig.write("drafts", "d", "{}");
    rig.server.failNextPulls(FakeServer.failure(Kind.UNAVAILABLE));
    rig.cycle();
    rig.scheduler.advance(Duration.ofSeconds(3));

    JsonNode json = WireJson.mapper().readTree(rig.status().toJson());
    assertEquals(List.of("target", "replica_id", "read_at", "live", "phase", "reason_code", "reason_message",
        "last_error", "consecutive_failures", "backoff_until", "last_sync_at", "last_outcome", "pending",
        "quarantined", "non_enrolled_pending", "inbound_quarantined", "replica_reset", "cursor", "lease",
        "pause_reasons", "totals", "recent_errors"),
        names(json));
    assertEquals("pull_failed", json.get("phase").asText());
    assertEquals("transport_failed", json.get("reason_code").asText());
    assertEquals(1, json.get("consecutive_failures").asInt());
    assertEquals("2027-01-15T08:00:01.000Z", json.get("backoff_until").asText());
    assertTrue(json.get("last_sync_at").isNull());
    assertEquals(List.of("count", "oldest_created_at", "oldest_age_ms"), names(json.get("pending")));
    assertEquals(1, json.get("pending").get("count").asInt(), "the non-enrolled draft");
    assertEquals(3_000, json.get("pending").get("oldest_age_ms").asLong());
    assertEquals(0, json.get("quarantined").get("count").asInt());
    assertEquals(1, json.get("non_enrolled_pending").get("drafts").asInt());
    assertEquals(List.of("last_pulled_seq", "server_latest_seq", "log_id"), names(json.get("cursor")));
    assertEquals(List.of("owner", "held", "held_by_me", "epoch", "expires_at"), names(json.get("lease")));
    assertEquals(Rig.OWNER, json.get("lease").get("owner").asText());
    assertTrue(json.get("lease").get("held_by_me").asBoolean());
    assertEquals(List.of("pushed", "pulled", "applied", "failures"), names(json.get("totals")));
    assertEquals(1, json.get("totals").get("pushed").asInt());
    assertEquals(1, json.get("totals").get("failures").asInt());
    JsonNode error = json.get("recent_errors").get(0);
    assertEquals(List.of("at", "code", "message"), names(error));
    assertEquals("transport_failed", error.get("code").asText());
    assertTrue(json.get("pause_reasons").isArray());
  }

  @Test
  void read_fromTheFileAlone_tellsTheTruthAboutAStoppedReplica() {
    rig = Rig.open(dir);
    rig.write("notes", "a", "{}");
    rig.server.failNextPushes(FakeServer.failure(Kind.AUTH));
    rig.cycle();
    SyncStatus s = SyncStatus.read(rig.store, "cloud");
    assertFalse(s.live());
    assertEquals(Phase.PUSH_FAILED, s.phase());
    assertEquals(ReasonCode.AUTH_REQUIRED, s.reasonCode());
    assertEquals(1, s.consecutiveFailures());
    assertEquals(1, s.pendingCount());
    assertFalse(s.leaseHeldByMe());
    assertEquals(Rig.OWNER, s.lease().owner());

    rig.store.targets().addPauseReason("cloud", "upgrade:notes");
    SyncStatus paused = SyncStatus.read(rig.store, "cloud");
    assertEquals(Phase.DISABLED, paused.phase());
    assertEquals(ReasonCode.PAUSED, paused.reasonCode());
    assertEquals(Set.of("upgrade:notes"), paused.pauseReasons());
    assertTrue(paused.toJson().contains("\"phase\":\"disabled\""));
  }

  @Test
  void read_ofAFileThatNeverSynced_isIdleWithZeros() {
    rig = Rig.open(dir);
    SyncStatus s = SyncStatus.read(rig.store, "cloud");
    assertEquals(Phase.IDLE, s.phase());
    assertEquals(0, s.totalPushed());
    assertEquals(null, s.lease());
    assertTrue(s.toJson().contains("\"lease\":null"));
  }
}
