package dev.ferry.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.store.ApplyContext;
import dev.ferry.store.DocumentApplier;
import dev.ferry.store.Fence;
import dev.ferry.store.LeaseInfo;
import dev.ferry.store.MutationApplier;
import dev.ferry.store.MutationDraft;
import dev.ferry.store.MutationState;
import dev.ferry.store.RemoteMutation;
import dev.ferry.store.SyncStore;
import dev.ferry.store.TargetState;
import dev.ferry.store.TargetStore;
import dev.ferry.transport.HttpSyncTransport;
import dev.ferry.transport.wire.PushMutation;
import dev.ferry.transport.wire.PushRequest;
import dev.ferry.transport.wire.RawJson;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a replica does with server answers that are not plain success: a restored file far behind
 * the server's lease epoch, a log reset under an applier that cannot rebuild, and malformed
 * numbers, which must fail closed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SyncManagerServerAnswersTest {

  @TempDir Path dir;
  @StartStop private final MockWebServer mock = new MockWebServer();

  private static SyncManager manager(SyncStore store, HttpSyncTransport transport, MutationApplier applier) {
    return SyncManager.create(store, transport, applier, Cluster.config().owner("alpha").build());
  }

  private static void write(SyncStore store, String key) {
    store.jdbi().useTransaction(h -> store.documents().put(h, MutationDraft.upsert("notes", "doc", key, "{}")));
  }

  @Test
  void restoredFile500EpochsBehindTheServer_syncsInOneCycle() throws Exception {
    Path file = dir.resolve("alpha.db");
    try (Cluster cluster = new Cluster(dir.resolve("server"))) {
      String replicaId;
      long epoch;
      try (SyncStore store = SyncStore.open(file); HttpSyncTransport t = cluster.transport();
          SyncManager m = manager(store, t, new DocumentApplier())) {
        write(store, "a");
        assertEquals(CycleResult.Outcome.SUCCESS, m.runOnce().outcome());
        replicaId = store.replicaId();
        epoch = store.leases().current("cloud").orElseThrow().epoch();
      }
      // Meanwhile the live copy of this file went through 500 more lease epochs, and the server saw
      // the last one (a retry of the stored write under it); this file is a backup from before.
      try (HttpSyncTransport t = cluster.transport()) {
        t.push(new PushRequest(replicaId, epoch + 500,
            List.of(new PushMutation(1, "notes", "doc", "a", "upsert", RawJson.of("{}"), null))));
      }
      try (SyncStore store = SyncStore.open(file); HttpSyncTransport t = cluster.transport();
          SyncManager m = manager(store, t, new DocumentApplier())) {
        write(store, "c");

        CycleResult r = m.runOnce();

        assertEquals(CycleResult.Outcome.SUCCESS, r.outcome(), r.toString());
        assertEquals(1, r.pushed());
        assertEquals(0, store.outbox().pendingCount("cloud"));
        LeaseInfo lease = store.leases().current("cloud").orElseThrow();
        assertEquals(epoch + 501, lease.epoch(), "moved past the server's epoch in one step: " + lease);
        assertEquals(2, cluster.serverLog().size());
      }
    }
  }

  /** A host applier that writes documents but cannot reset them. */
  private static final class HostApplier implements MutationApplier {
    private final DocumentApplier documents = new DocumentApplier();

    @Override
    public void apply(ApplyContext context, RemoteMutation mutation) throws Exception {
      documents.apply(context, mutation);
    }

    @Override
    public String id() {
      return "host.tables";
    }
  }

  @Test
  void logReset_applierWithoutReset_isDisabledWithResyncRequired_untilResynced() throws Exception {
    Path file = dir.resolve("alpha.db");
    Path serverDb = dir.resolve("server").resolve("server.db");
    try (Cluster cluster = new Cluster(dir.resolve("server"));
        SyncStore store = SyncStore.open(file); HttpSyncTransport t = cluster.transport()) {
      try (SyncManager m = manager(store, t, new HostApplier())) {
        write(store, "a");
        write(store, "b");
        assertEquals(CycleResult.Outcome.SUCCESS, m.runOnce().outcome());
        assertEquals(2, store.targets().state("cloud").lastPulledSeq());

        cluster.stopServer();
        SyncManagerLogResetTest.deleteSqlite(serverDb);
        cluster.restartServer();
        CycleResult r = m.runOnce();

        assertEquals(CycleResult.Outcome.PAUSED, r.outcome());
        assertEquals(ReasonCode.RESYNC_REQUIRED, r.reasonCode());
        SyncStatus s = m.status();
        assertEquals(Phase.DISABLED, s.phase());
        assertEquals(ReasonCode.RESYNC_REQUIRED, s.reasonCode());
        assertTrue(s.reasonMessage().contains("ferry resync"), s.reasonMessage());
        assertEquals(2, s.lastPulledSeq(), "nothing changed");
        assertEquals(0, s.serverLatestSeq(), "status shows what the server reports");
        assertEquals(2, store.documents().count());
        assertEquals(CycleResult.Outcome.PAUSED, m.runOnce().outcome(), "stays disabled");
        assertTrue(store.targets().pauseReasons("cloud").contains(TargetStore.RESYNC_REQUIRED));
      }
      // The operator clears the host's synced tables and resyncs under the lease.
      store.jdbi().useHandle(h -> h.execute("DELETE FROM ferry_documents"));
      LeaseInfo lease = store.leases().acquire("cloud", "operator", Duration.ofMinutes(1));
      Fence fence = lease.fence();
      assertTrue(store.fenced(fence, new HostApplier()).resync().rebuilt());
      store.leases().release(fence);
      try (SyncManager m = manager(store, t, new HostApplier())) {
        CycleResult r = m.runOnce();
        assertEquals(CycleResult.Outcome.SUCCESS, r.outcome(), r.toString());
        assertEquals(2, cluster.serverLog().size(), "both acked writes are on the new server");
        assertEquals(2, store.documents().count());
        assertEquals(2, store.outbox().list("cloud", MutationState.ACKED, 10).size());
        TargetState state = store.targets().state("cloud");
        assertEquals(2, state.lastPulledSeq());
        assertTrue(state.logId() != null);
      }
    }
  }

  private static final String PAGE_6_9 =
      "{\"mutations\":[{\"seq\":6.9,\"replica_id\":\"r-2\",\"client_seq\":1,\"project\":\"notes\","
          + "\"entity\":\"doc\",\"entity_key\":\"k\",\"op\":\"upsert\",\"payload\":{}}],"
          + "\"has_more\":false,\"latest_seq\":7}";

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"results\":[{\"client_seq\":1.7,\"status\":\"accepted\",\"seq\":5}],\"latest_seq\":5}",
      "{\"results\":[{\"client_seq\":1,\"status\":\"accepted\",\"seq\":5.0}],\"latest_seq\":5}",
      "{\"results\":[{\"client_seq\":1,\"status\":\"accepted\",\"seq\":5},"
          + "{\"client_seq\":2,\"status\":\"accepted\",\"seq\":5},"
          + "{\"client_seq\":3,\"status\":\"accepted\",\"seq\":5}],\"latest_seq\":5}",
      "{\"results\":[{\"client_seq\":1,\"status\":\"accepted\",\"seq\":5}],\"latest_seq\":4.5}"})
  void malformedPushAnswer_failsClosedWithProtocolError_andAcksNothing(String answer) {
    mock.enqueue(json(answer));
    mock.enqueue(json(answer));
    try (SyncStore store = SyncStore.open(dir.resolve("alpha.db")); HttpSyncTransport t = transport();
        SyncManager m = manager(store, t, new DocumentApplier())) {
      write(store, "a");
      write(store, "b");
      write(store, "c");

      CycleResult r = m.runOnce();

      assertEquals(CycleResult.Outcome.FAILED, r.outcome());
      assertEquals(ReasonCode.PROTOCOL_ERROR, r.reasonCode(), r.toString());
      assertEquals(3, store.outbox().pendingCount("cloud"), "nothing acked");
      assertEquals(0, store.targets().state("cloud").lastPulledSeq());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      PAGE_6_9,
      "{\"mutations\":[{\"seq\":6,\"replica_id\":\"r-2\",\"client_seq\":1.7,\"project\":\"notes\","
          + "\"entity\":\"doc\",\"entity_key\":\"k\",\"op\":\"upsert\",\"payload\":{}}],"
          + "\"has_more\":false,\"latest_seq\":7}",
      "{\"mutations\":[{\"seq\":6,\"replica_id\":\"r-2\",\"client_seq\":1,\"project\":\"notes\","
          + "\"entity\":\"doc\",\"entity_key\":\"k\",\"op\":\"upsert\",\"payload\":{}}],"
          + "\"has_more\":false,\"latest_seq\":5}",
      "{\"mutations\":[],\"has_more\":false,\"latest_seq\":7.0}"})
  void malformedPullAnswer_failsClosedWithProtocolError_andMovesNothing(String answer) {
    mock.enqueue(json(answer));
    try (SyncStore store = SyncStore.open(dir.resolve("alpha.db")); HttpSyncTransport t = transport();
        SyncManager m = manager(store, t, new DocumentApplier())) {

      CycleResult r = m.runOnce();

      assertEquals(CycleResult.Outcome.FAILED, r.outcome());
      assertEquals(ReasonCode.PROTOCOL_ERROR, r.reasonCode(), r.toString());
      assertEquals(0, store.targets().state("cloud").lastPulledSeq(), "the cursor did not move");
      assertEquals(0, store.documents().count());
      assertTrue(m.status().phase() != Phase.HEALTHY);
    }
  }

  private HttpSyncTransport transport() {
    return HttpSyncTransport.builder().baseUrl(mock.url("/").toString()).token("t-0123456789")
        .maxAttempts(1).build();
  }

  private static MockResponse json(String body) {
    return new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json").body(body).build();
  }
}
