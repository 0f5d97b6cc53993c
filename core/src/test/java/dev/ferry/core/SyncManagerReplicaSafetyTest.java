package dev.ferry.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.store.Inbox;
import dev.ferry.store.MutationDraft;
import dev.ferry.store.MutationState;
import dev.ferry.store.PendingMutation;
import dev.ferry.transport.HttpSyncTransport;
import dev.ferry.transport.wire.PulledMutation;
import dev.ferry.transport.wire.PushMutation;
import dev.ferry.transport.wire.PushRequest;
import dev.ferry.transport.wire.RawJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end against the reference server: a poison mutation between valid ones is contained on
 * every replica, and a byte copy of a replica's file syncing beside the original loses nothing.
 */
class SyncManagerReplicaSafetyTest {

  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  void poisonMutationBetweenValidOnes_isQuarantinedOnEveryReplica_andTheRestAndLaterWritesFlow() {
    try (Cluster cluster = new Cluster(dir)) {
      Cluster.Replica a = cluster.replica("a");
      Cluster.Replica b = cluster.replica("b");
      a.manager().start();
      b.manager().start();
      try (HttpSyncTransport raw = cluster.transport()) {
        raw.push(new PushRequest("writer-x", 1, List.of(
            push(1, "p-1", "upsert", "{\"v\":1}"), push(2, "p-2", "archive", "{\"v\":2}"),
            push(3, "p-3", "upsert", "{\"v\":3}"))));
      }
      for (Cluster.Replica r : List.of(a, b)) {
        r.manager().syncNow().join();
        Await.until(r.name() + " applies the valid ones and quarantines the poison one", DEADLINE,
            () -> r.documents().containsKey("notes/note/p-3") && r.store().inbox().count("cloud") == 1);
        assertTrue(r.documents().containsKey("notes/note/p-1"));
        SyncStatus s = r.manager().status();
        assertEquals(Phase.HEALTHY, s.phase(), s.toJson());
        assertEquals(ReasonCode.INBOUND_QUARANTINED, s.reasonCode(), s.toJson());
        assertEquals(Map.of("notes/note/p-2", 1L), s.inboundQuarantinedKeys());
        assertTrue(s.toJson().contains("\"inbound_quarantined\":{\"count\":1"), s.toJson());
        assertEquals(3, s.lastPulledSeq(), "the cursor moved past the poison one");
      }

      a.write(MutationDraft.upsert("notes", "note", "after", "{\"v\":\"after\"}"));
      Await.until("a later write reaches the other replica", DEADLINE,
          () -> b.documents().containsKey("notes/note/after"));

      assertEquals(1, b.store().inbox().skip("cloud", List.of(2L)));
      b.manager().syncNow().join();
      Await.until("the reason clears once the quarantine is empty", DEADLINE,
          () -> b.manager().status().reasonCode() == null);
      assertEquals(Inbox.MAX_APPLY_ATTEMPTS, 3);
    }
  }

  @Test
  void aByteCopyOfAFile_syncingBesideItsOriginal_getsEveryWriteOfBothToTheServerAndAcksNothingElse()
      throws Exception {
    try (Cluster cluster = new Cluster(dir)) {
      Cluster.Replica first = cluster.replica("a");
      first.manager().start();
      for (int i = 0; i < 20; i++) {
        first.write(MutationDraft.upsert("notes", "note", "before-" + i, "{\"v\":" + i + "}"));
      }
      Await.until("the history before the copy is pushed", DEADLINE,
          () -> first.store().outbox().pendingCount("cloud") == 0);
      first.manager().close();
      first.store().close();
      Files.copy(dir.resolve("a.db"), dir.resolve("b.db"), StandardCopyOption.COPY_ATTRIBUTES);

      Cluster.Replica a = cluster.replica("a");
      Cluster.Replica b = cluster.replica("b");
      assertEquals(a.store().replicaId(), b.store().replicaId(), "a byte copy");
      a.manager().start();
      b.manager().start();
      List<Thread> writers = new ArrayList<>();
      for (Cluster.Replica r : List.of(a, b)) {
        Thread t = new Thread(() -> {
          for (int i = 0; i < 40; i++) {
            r.write(MutationDraft.upsert("notes", "note", r.name() + "-" + i, "{\"by\":\"" + r.name() + "\"}"));
            r.write(MutationDraft.upsert("notes", "note", "shared-" + (i % 5), "{\"by\":\"" + r.name() + i + "\"}"));
          }
        });
        t.start();
        writers.add(t);
      }
      for (Thread t : writers) {
        t.join();
      }
      Await.until("both push everything", DEADLINE, () -> List.of(a, b).stream().allMatch(
          r -> r.store().outbox().pendingCount("cloud") == 0 && r.store().outbox().quarantinedCount("cloud") == 0));
      assertNotEquals(a.store().replicaId(), b.store().replicaId(), "one of them took a fresh replica id");
      assertTrue(a.manager().status().replicaReset() != null || b.manager().status().replicaReset() != null);

      List<PulledMutation> log = cluster.serverLog();
      Map<Long, PulledMutation> bySeq = new TreeMap<>();
      for (PulledMutation m : log) {
        bySeq.put(m.seq(), m);
      }
      Set<Long> claimed = new HashSet<>();
      for (Cluster.Replica r : List.of(a, b)) {
        for (PendingMutation row : r.rows(MutationState.ACKED)) {
          PulledMutation stored = bySeq.get(row.serverSeq());
          assertNotNull(stored, r.name() + " acked local seq " + row.seq() + " at a seq the server does not have");
          assertEquals(row.entityKey(), stored.entityKey(), r.name() + " acked seq " + row.seq() + " for another write");
          assertEquals(Cluster.canonical(row.payloadJson()), Cluster.canonical(stored.payload().json()),
              r.name() + " acked seq " + row.seq() + " for another write");
          if (!row.entityKey().startsWith("before-")) {
            assertTrue(claimed.add(row.serverSeq()), "two rows acked for one server mutation: " + row.serverSeq());
          }
        }
        assertEquals(40 + 40 + 20, r.rows(MutationState.ACKED).size(), r.name() + ": every write is acked");
      }
      Map<String, String> expected = Cluster.fold(log);
      for (Cluster.Replica r : List.of(a, b)) {
        r.manager().syncNow().join();
        try {
          Await.until(r.name() + " converges on the server log", DEADLINE, () -> expected.equals(r.documents()));
        } catch (AssertionError e) {
          assertEquals(expected, r.documents(), r.name() + " diverged: " + r.manager().statusJson());
        }
      }
    }
  }

  @Test
  void aFileRestoredFromAnOlderBackup_takesAFreshIdPushesItsNewWritesAndAppliesItsLostFuture() throws Exception {
    try (Cluster cluster = new Cluster(dir)) {
      Cluster.Replica before = cluster.replica("a");
      before.manager().start();
      for (int i = 0; i < 10; i++) {
        before.write(MutationDraft.upsert("notes", "note", "old-" + i, "{\"v\":" + i + "}"));
      }
      Await.until("pushed before the backup", DEADLINE, () -> before.store().outbox().pendingCount("cloud") == 0);
      before.manager().close();
      before.store().close();
      Path backup = dir.resolve("backup.db");
      Files.copy(dir.resolve("a.db"), backup);

      Cluster.Replica lived = cluster.replica("a");
      lived.manager().start();
      for (int i = 0; i < 10; i++) {
        lived.write(MutationDraft.upsert("notes", "note", "lost-" + i, "{\"v\":" + i + "}"));
      }
      Await.until("the lost future is on the server", DEADLINE, () -> lived.store().outbox().pendingCount("cloud") == 0);
      lived.manager().close();
      lived.store().close();
      Files.copy(backup, dir.resolve("a.db"), StandardCopyOption.REPLACE_EXISTING);

      Cluster.Replica restored = cluster.replica("a");
      for (int i = 0; i < 10; i++) {
        restored.write(MutationDraft.upsert("notes", "note", "new-" + i, "{\"v\":" + i + "}"));
      }
      restored.manager().start();
      Await.until("the restored file pushes its new writes", DEADLINE,
          () -> restored.store().outbox().pendingCount("cloud") == 0
              && restored.store().outbox().quarantinedCount("cloud") == 0);
      assertNotNull(restored.manager().status().replicaReset(), restored.manager().statusJson());
      List<PulledMutation> log = cluster.serverLog();
      assertEquals(30, log.size(), "old, lost and new writes each once");
      Map<String, String> expected = Cluster.fold(log);
      restored.manager().syncNow().join();
      Await.until("the restored file ends on the server's log, its lost future included", DEADLINE,
          () -> expected.equals(restored.documents()));
    }
  }

  private static PushMutation push(long clientSeq, String key, String op, String payload) {
    return new PushMutation(clientSeq, "notes", "note", key, op, RawJson.of(payload), Instant.parse(
        "2026-12-01T00:00:00.000Z"));
  }
}
