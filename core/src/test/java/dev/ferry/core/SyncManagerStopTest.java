package dev.ferry.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.store.ApplyContext;
import dev.ferry.store.DocumentApplier;
import dev.ferry.store.LeaseStore;
import dev.ferry.store.MutationApplier;
import dev.ferry.store.MutationDraft;
import dev.ferry.store.RemoteMutation;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code stop()} returns within {@code stopTimeout} (2 s by default; the bound) whatever the
 * manager is doing — a long-poll, a cycle holding the cycle lock in the host's applier, a timer
 * stuck on a busy database — and the lease is released as soon as the file lets it, so another
 * manager can take over at once instead of waiting out the TTL.
 */
class SyncManagerStopTest extends ManagerFixture {

  /** The bound plus a generous margin for a loaded machine. */
  private static final long STOP_BOUND_MS = 2_000 + 1_500;

  private static final Duration TTL = Duration.ofSeconds(60);

  /** Runs {@code stop()} on another thread and returns how long it took, failing if it never returns. */
  private static long timedStop(SyncManager m) throws Exception {
    long t0 = System.nanoTime();
    CompletableFuture<Void> stopped = CompletableFuture.runAsync(m::stop);
    stopped.get(10, TimeUnit.SECONDS);
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
  }

  private void assertAnotherManagerTakesOverAtOnce() {
    assertFalse(store.leases().current("cloud").orElseThrow().held(), "released, not left to expire");
    assertTrue(store.leases().acquire("cloud", "next-owner", TTL).isHeldBy("next-owner"));
  }

  @Test
  void stop_duringALongPoll_cancelsItAndReleasesTheLease() throws Exception {
    SyncManager m = manager(Rig.testConfig().longPollWait(Duration.ofSeconds(25)));
    m.start();
    Await.until("a long-poll waiting on the server", () -> server.longPolls() == 1);
    assertTrue(threadAlive("ferry-longpoll-cloud"));
    long ms = timedStop(m);
    assertTrue(ms < STOP_BOUND_MS, "stop took " + ms + " ms");
    assertFalse(threadAlive("ferry-longpoll-cloud"), "stop did not wait out the 25 s long-poll");
    assertFalse(threadAlive("ferry-sync-cloud"));
    assertAnotherManagerTakesOverAtOnce();
  }

  @Test
  void stop_whileTheApplierHoldsTheCycleLock_returnsInTimeAndReleasesTheLeaseWhenThePageEnds() throws Exception {
    CountDownLatch inApplier = new CountDownLatch(1);
    CountDownLatch letGo = new CountDownLatch(1);
    DocumentApplier documents = new DocumentApplier();
    MutationApplier slow = new MutationApplier() {
      @Override
      public void apply(ApplyContext context, RemoteMutation mutation) throws Exception {
        inApplier.countDown();
        letGo.await();
        documents.apply(context, mutation);
      }

      @Override
      public String id() {
        return documents.id();
      }
    };
    server.appendRemote("r2", "notes", "note", "slow", "{}");
    SyncManager m = manager(store, slow, Rig.testConfig());
    m.start();
    assertTrue(inApplier.await(30, TimeUnit.SECONDS));
    try {
      long ms = timedStop(m);
      assertTrue(ms < STOP_BOUND_MS, "stop took " + ms + " ms");
    } finally {
      letGo.countDown();
    }
    Await.until("the lease released once the page's transaction ended",
        () -> !store.leases().current("cloud").orElseThrow().held());
    assertAnotherManagerTakesOverAtOnce();
  }

  @Test
  void stop_whileTheLeaseTimerWaitsForABusyDatabase_returnsInTimeAndReleasesTheLeaseAfterwards() throws Exception {
    SyncManager m = manager(Rig.testConfig().leaseTtl(Duration.ofSeconds(3)));
    m.start();
    Await.until("holding the lease", () -> m.status().leaseHeldByMe());
    scheduler.runDue();
    try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("app.db"));
        Statement st = other.createStatement()) {
      st.execute("BEGIN IMMEDIATE");
      // The renewal a second later waits for the write lock on this thread (the manual timer's).
      Thread timer = new Thread(() -> scheduler.advance(Duration.ofSeconds(1)), "manual-timer");
      timer.start();
      Await.until("the renewal waiting for the lock", () -> Arrays.stream(timer.getStackTrace())
          .anyMatch(f -> f.getClassName().equals(LeaseStore.class.getName()) && f.getMethodName().equals("acquire")));
      try {
        long ms = timedStop(m);
        assertTrue(ms < STOP_BOUND_MS, "stop took " + ms + " ms");
      } finally {
        st.execute("ROLLBACK");
        timer.join(30_000);
      }
    }
    Await.until("released after the database came free", () -> !store.leases().current("cloud").orElseThrow().held());
    assertAnotherManagerTakesOverAtOnce();
    assertEquals(CycleResult.Outcome.STOPPED, m.syncNow().join().outcome());
  }
  private void writeTo(String target) {
    store.jdbi().useTransaction(h -> store.documents().put(h,
        MutationDraft.upsert("notes", "note", "a", "{}").withTarget(target)));
  }

  @Test
  void stop_endsTheAckThreadOfAPushInsteadOfLeavingItToIdleOut() throws Exception {
    // A target of its own: no other test's ack thread has this name.
    SyncManager m = manager(Rig.testConfig().target("acks"));
    writeTo("acks");
    m.start();
    Await.until("the write pushed and acked", () -> store.outbox().pendingCount("acks") == 0);
    assertTrue(threadAlive("ferry-ack-acks"), "the push ran its acks on the ack thread");

    long ms = timedStop(m);

    assertTrue(ms < STOP_BOUND_MS, "stop took " + ms + " ms");
    assertFalse(threadAlive("ferry-ack-acks"), "a stopped manager keeps no ack thread");
  }

  @Test
  void close_afterRunOnce_endsTheAckThread() {
    SyncManager m = manager(Rig.testConfig().target("acks-once"));
    writeTo("acks-once");
    assertEquals(1, m.runOnce().pushed());
    assertTrue(threadAlive("ferry-ack-acks-once"), "the push ran its acks on the ack thread");

    m.close();

    assertFalse(threadAlive("ferry-ack-acks-once"), "a closed manager keeps no ack thread");
  }
}
