package dev.ferry.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.store.SyncStore;
import dev.ferry.transport.TransportException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * What a manager that does not hold the lease reports: its own state (idle, waiting for the lease,
 * no failures or backoff of its own) with the current holder, fresh from the file; the target-wide
 * facts (pending, totals, recent errors) from the file, as for any replica.
 */
class SyncManagerLeaseTest extends ManagerFixture {

  private static SyncConfig.Builder config(String owner) {
    return Rig.testConfig().owner(owner).changeCheckInterval(Duration.ofMillis(250));
  }

  @Test
  void nonHolder_showsTheCurrentHolderNotTheHoldersFailuresAsItsOwn() {
    server.failNextPulls(FakeServer.failure(TransportException.Kind.UNAVAILABLE));
    SyncManager a = manager(config("holder-a"));
    a.start();
    Await.until("a's first cycle failed", () -> a.status().consecutiveFailures() == 1);

    SyncStore storeB = newStore();
    SyncManager b = manager(storeB, config("waiter-b"));
    List<SyncStatus> heard = new CopyOnWriteArrayList<>();
    b.addListener(heard::add);
    b.start();
    scheduler.runDue(); // the lease timer's first look, at once on start
    Await.until("b waits for the lease", Duration.ofSeconds(10),
        () -> b.status().reasonCode() == ReasonCode.LEASE_HELD_ELSEWHERE);
    SyncStatus waiting = b.status();
    assertEquals(Phase.IDLE, waiting.phase());
    assertFalse(waiting.leaseHeldByMe());
    assertEquals(a.owner(), waiting.lease().owner());
    assertTrue(a.owner().startsWith("holder-a/"), a.owner());
    assertEquals("the lease of target cloud is held by " + a.owner(), waiting.reasonMessage());
    assertEquals(0, waiting.consecutiveFailures(), "a's failure is not b's");
    assertNull(waiting.backoffUntil());
    assertNull(waiting.lastError());
    assertEquals(1, waiting.totalFailures(), "the target's history comes from the file");
    assertEquals("transport_failed", waiting.recentErrors().get(0).code());

    scheduler.runDue();
    a.stop();
    assertTrue(store.leases().acquire("cloud", "holder-c", Duration.ofSeconds(60)).isHeldBy("holder-c"));
    SyncStatus changed = b.status();
    assertEquals(ReasonCode.LEASE_HELD_ELSEWHERE, changed.reasonCode());
    assertEquals("holder-c", changed.lease().owner());
    assertEquals("the lease of target cloud is held by holder-c", changed.reasonMessage(), "read now, not kept");

    scheduler.advance(Duration.ofMillis(250));
    Await.until("listeners hear of the new holder", Duration.ofSeconds(10), () -> heard.stream()
        .anyMatch(s -> "the lease of target cloud is held by holder-c".equals(s.reasonMessage())));
    assertFalse(b.status().leaseHeldByMe());
  }

  @Test
  void nonHolder_takingOverAfterTheHolderFailed_continuesItsFailureCountFromTheFile() {
    SyncManager a = manager(config("holder-a"));
    a.start();
    Await.until("a holds", () -> a.status().leaseHeldByMe());
    SyncStore storeB = newStore();
    SyncManager b = manager(storeB, config("waiter-b"));
    b.start();
    Await.until("b waits", Duration.ofSeconds(10), () -> b.status().reasonCode() == ReasonCode.LEASE_HELD_ELSEWHERE);
    server.failNextPulls(FakeServer.failure(TransportException.Kind.UNAVAILABLE),
        FakeServer.failure(TransportException.Kind.UNAVAILABLE));
    a.syncNow().join();
    a.syncNow().join();
    assertEquals(2, store.targets().state("cloud").consecutiveFailures());
    assertEquals(0, b.status().consecutiveFailures());

    a.stop();
    scheduler.advance(Duration.ofMillis(250));
    Await.until("b took over", Duration.ofSeconds(10), () -> b.status().leaseHeldByMe());
    Await.until("b's first cycle as holder waits out a's backoff", Duration.ofSeconds(10),
        () -> b.status().consecutiveFailures() == 2);
    assertEquals(3, server.pullCalls(), "no pull before the backoff a left ends");
    scheduler.advance(Duration.ofSeconds(2));
    // Also when the time passes the backoff's end before b's first cycle ends (the pull it sat out is owed).
    Await.until("then b syncs", Duration.ofSeconds(10), () -> b.status().phase() == Phase.HEALTHY);
    assertEquals(0, b.status().consecutiveFailures());
  }
}
