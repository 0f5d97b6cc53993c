package dev.ferry.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.store.DocumentApplier;
import dev.ferry.store.LeaseInfo;
import dev.ferry.store.MutationApplier;
import dev.ferry.store.SyncStore;
import dev.ferry.transport.TransportException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The manager with its real threads, on a manual scheduler (timers and clock move only when the test
 * says) and the scripted server: lifecycle, stop during a cycle or a long-poll, upgrade pauses,
 * listeners, lease hand-over.
 */
class SyncManagerTest extends ManagerFixture {

  @Test
  void lifecycle_startIsIdempotent_stopIsSafeBeforeStartAndFinal() {
    SyncManager never = manager(Rig.testConfig());
    never.stop();
    never.stop();
    assertThrows(SyncException.class, never::start);

    SyncManager m = manager(Rig.testConfig().owner("me-2"));
    m.start();
    m.start();
    assertTrue(m.isRunning());
    Await.until("first cycle", () -> m.status().lastSyncAt() != null);
    m.stop();
    assertFalse(m.isRunning());
    assertFalse(store.leases().current("cloud").orElseThrow().held(), "released on stop");
    SyncException e = assertThrows(SyncException.class, m::start);
    assertEquals(SyncException.Kind.STOPPED, e.kind());
    assertEquals(CycleResult.Outcome.STOPPED, m.syncNow().join().outcome());
  }

  @Test
  void notifyDirty_afterStart_pushesWithoutAnyClockMove() {
    SyncManager m = manager(Rig.testConfig());
    m.start();
    Await.until("start cycle", () -> server.pullCalls() >= 1);
    write(store, "a");
    m.notifyDirty();
    Await.until("pushed", () -> server.log().size() == 1);
    Await.until("acked", () -> m.status().pendingCount() == 0);
  }

  @Test
  void syncNow_returnsTheCycleResult() {
    server.appendRemote("r2", "notes", "note", "x", "{}");
    write(store, "a");
    SyncManager m = manager(Rig.testConfig());
    CycleResult before = m.syncNow().join();
    assertEquals(1, before.pushed(), "before start: run on the calling thread");
    m.start();
    Await.until("the start cycle", () -> m.status().phase() == Phase.HEALTHY && server.pullCalls() >= 2);
    write(store, "b"); // not notified: only the explicit cycle pushes it
    CycleResult r = m.syncNow().join();
    assertEquals(CycleResult.Outcome.SUCCESS, r.outcome());
    assertEquals(1, r.pushed());
    assertEquals(3, store.targets().state("cloud").lastPulledSeq());
  }

  @Test
  void stop_duringAPush_cancelsItReleasesTheLeaseAndEndsWaitingSyncNow() throws Exception {
    CountDownLatch inPush = new CountDownLatch(1);
    server.onPush(req -> {
      inPush.countDown();
      try {
        new CountDownLatch(1).await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TransportException(TransportException.Kind.CANCELLED, "push cancelled: interrupted", null);
      }
    });
    SyncManager m = manager(Rig.testConfig());
    write(store, "a");
    m.start();
    inPush.await();
    CompletableFuture<CycleResult> waiting = m.syncNow();
    m.stop();
    assertEquals(CycleResult.Outcome.STOPPED, waiting.join().outcome());
    assertFalse(threadAlive("ferry-sync-cloud"), "the sync thread ended");
    assertFalse(store.leases().current("cloud").orElseThrow().held());
    assertEquals(1, store.outbox().pendingCount("cloud"), "still pending, pushed again by the next run");
    assertEquals(0, store.targets().state("cloud").totalFailures(), "a stop is not a failure");
  }

  @Test
  void stopForUpgrade_keepsAndRenewsTheLeaseAndResumeSyncsAtOnce() {
    SyncManager m = manager(Rig.testConfig().leaseTtl(Duration.ofSeconds(3)));
    m.start();
    Await.until("holding the lease", () -> m.status().leaseHeldByMe());
    long epoch = store.leases().current("cloud").orElseThrow().epoch();

    assertTrue(m.stopForUpgrade("notes"));
    assertFalse(m.stopForUpgrade("notes"), "already paused: nothing to do");
    SyncStatus paused = m.status();
    assertEquals(Phase.DISABLED, paused.phase());
    assertEquals(ReasonCode.PAUSED, paused.reasonCode());
    assertEquals(Set.of("upgrade:notes"), paused.pauseReasons());

    write(store, "during-upgrade");
    m.notifyDirty();
    assertEquals(CycleResult.Outcome.PAUSED, m.syncNow().join().outcome());
    for (int i = 0; i < 20; i++) {
      scheduler.advance(Duration.ofMillis(500));
    }
    LeaseInfo lease = store.leases().current("cloud").orElseThrow();
    assertTrue(lease.isHeldBy(m.owner()), "renewed through 10 s of a 3 s lease");
    assertEquals(epoch, lease.epoch());
    assertFalse(store.leases().acquire("cloud", "intruder/1/x", Duration.ofSeconds(3)).isHeldBy("intruder/1/x"));
    assertEquals(0, server.log().size());
    assertEquals(Set.of("upgrade:notes"), store.targets().pauseReasons("cloud"), "persisted");

    assertTrue(m.resumeAfterUpgrade("notes"));
    assertFalse(m.resumeAfterUpgrade("notes"));
    Await.until("a cycle right after resume", () -> server.log().size() == 1);
    Await.until("healthy", () -> m.status().phase() == Phase.HEALTHY);
  }

  @Test
  void pause_waitsForTheCycleInFlightAndStopsItAtTheNextBatch() throws Exception {
    CountDownLatch inPush = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    server.onPush(req -> {
      inPush.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    SyncManager m = manager(Rig.testConfig().pushBatchSize(1));
    write(store, "a");
    write(store, "b");
    m.start();
    inPush.await();
    AtomicBoolean paused = new AtomicBoolean();
    Thread pauser = new Thread(() -> {
      m.pause("user");
      paused.set(true);
    });
    pauser.start();
    Await.until("pause waiting for the cycle", () -> pauser.getState() == Thread.State.TIMED_WAITING);
    assertFalse(paused.get());
    release.countDown();
    pauser.join();
    assertTrue(paused.get());
    assertEquals(1, server.log().size(), "the batch in flight finished, the next one did not start");
    assertEquals(1, store.outbox().pendingCount("cloud"));
    assertEquals(Phase.DISABLED, m.status().phase());
    server.onPush(null);
    m.resume("user");
    Await.until("the rest after resume", () -> server.log().size() == 2);
  }

  @Test
  void listeners_getEveryChangeInOrderOnOneThreadThatIsNotTheSyncThread() {
    List<Phase> phases = Collections.synchronizedList(new ArrayList<>());
    List<String> threads = Collections.synchronizedList(new ArrayList<>());
    SyncManager m = manager(Rig.testConfig());
    m.addListener(s -> {
      phases.add(s.phase());
      threads.add(Thread.currentThread().getName());
    });
    m.addListener(s -> {
      throw new IllegalStateException("a broken listener");
    });
    write(store, "a");
    m.start();
    Await.until("healthy", () -> phases.contains(Phase.HEALTHY));
    server.failNextPulls(FakeServer.failure(TransportException.Kind.UNAVAILABLE));
    m.syncNow().join();
    Await.until("pull_failed delivered", () -> phases.contains(Phase.PULL_FAILED));
    int first = phases.indexOf(Phase.PUSHING);
    assertEquals(List.of(Phase.PUSHING, Phase.PULLING, Phase.HEALTHY), phases.subList(first, first + 3));
    assertEquals(Set.of("ferry-listeners-cloud"), Set.copyOf(threads));
  }

  @Test
  void leaseHandOver_whenTheHolderStops_theOtherTakesOverAndPushesItsWrites() {
    SyncManager a = manager(Rig.testConfig().owner("holder-a").changeCheckInterval(Duration.ofMillis(250)));
    a.start();
    Await.until("a holds", () -> a.status().leaseHeldByMe());
    SyncStore storeB = newStore();
    SyncManager b = manager(storeB, Rig.testConfig().owner("waiter-b").changeCheckInterval(Duration.ofMillis(250)));
    b.start();
    Await.until("b waits", () -> b.status().reasonCode() == ReasonCode.LEASE_HELD_ELSEWHERE);
    scheduler.runDue(); // the change watchers take their baselines
    SyncStatus waiting = b.status();
    assertEquals(Phase.IDLE, waiting.phase());
    assertEquals(a.owner(), waiting.lease().owner());

    int pushesBefore = server.pushCalls();
    write(storeB, "written-by-b");
    b.notifyDirty();
    // The holder notices the other connection's write by itself (data_version) and pushes it.
    scheduler.advance(Duration.ofMillis(300));
    Await.until("a pushed b's write", () -> server.log().size() == 1);
    assertNotEquals(pushesBefore, server.pushCalls());

    a.stop();
    write(storeB, "after-a-stopped");
    b.notifyDirty();
    scheduler.advance(Duration.ofMillis(300));
    Await.until("b took over", () -> b.status().leaseHeldByMe());
    Await.until("b pushed", () -> server.log().size() == 2);
    assertTrue(store.leases().current("cloud").orElseThrow().epoch() > 1, "a new epoch for the new owner");
  }

  @Test
  void concurrentWritersOnTheRealClock_everyMutationIsPushedExactlyOnce() throws Exception {
    SyncStore real = SyncStore.open(dir.resolve("real.db"));
    toClose.add(real);
    SyncManager m = SyncManager.create(real, server, new DocumentApplier(),
        Rig.testConfig().pushBatchSize(7).pollInterval(Duration.ofHours(1)).build()); // no poll to hide a lost wake-up
    toClose.add(0, m);
    m.start();
    List<Thread> writers = new ArrayList<>();
    for (int w = 0; w < 4; w++) {
      int id = w;
      Thread t = new Thread(() -> {
        for (int i = 0; i < 150; i++) {
          write(real, "w" + id + "-" + i);
          m.notifyDirty();
        }
      });
      t.start();
      writers.add(t);
    }
    for (Thread t : writers) {
      t.join();
    }
    Await.until("all 600 pushed", () -> server.log().size() == 600);
    Await.until("all acked", () -> real.outbox().pendingCount("cloud") == 0);
    assertEquals(600, server.log().stream().map(x -> x.clientSeq()).distinct().count(), "none twice");
    assertEquals(1, server.maxPushesInFlight(), "one push at a time per target");
  }

  @Test
  void deadHolder_leaseIsTakenOverRightAfterItLapsesNotAtTheNextInterval() {
    store.leases().acquire("cloud", "ghost/1/x", Duration.ofMillis(2_500)); // never renewed: dead
    write(store, "a");
    SyncManager m = manager(Rig.testConfig().leaseTtl(Duration.ofSeconds(30)));
    m.start();
    Await.until("waiting for the ghost", () -> m.status().reasonCode() == ReasonCode.LEASE_HELD_ELSEWHERE);
    scheduler.runDue();
    scheduler.advance(Duration.ofMillis(2_400));
    assertFalse(m.status().leaseHeldByMe(), "not before the ghost's lease lapsed");
    scheduler.advance(Duration.ofMillis(200));
    Await.until("taken over at the lapse, not after the 10 s renewal interval", () -> m.status().leaseHeldByMe());
    Await.until("pushed by the new holder", () -> server.log().size() == 1);
    assertEquals(2, store.leases().current("cloud").orElseThrow().epoch());
  }

  @Test
  void create_withAnotherApplierThanTheTargetWasSetUpWith_isRefusedUnlessPushOnly() {
    store.targets().bindApplier("cloud", "host.applier.v1");
    SyncException e = assertThrows(SyncException.class,
        () -> SyncManager.create(store, server, new DocumentApplier(), Rig.testConfig().build(), scheduler));
    assertEquals(SyncException.Kind.APPLIER_MISMATCH, e.kind());
    assertTrue(e.getMessage().contains("host.applier.v1"), e.getMessage());
    write(store, "a");
    SyncManager pushOnly = manager(Rig.testConfig().pull(false));
    CycleResult r = pushOnly.runOnce();
    assertEquals(1, r.pushed());
    assertTrue(r.pullSkipped());
    assertEquals(0, server.pullCalls());
    MutationApplier unused = (c, m) -> {};
    assertTrue(unused.id().length() > 0);
  }
}
