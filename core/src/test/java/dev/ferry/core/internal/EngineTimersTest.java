package dev.ferry.core.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.ferry.core.Await;
import dev.ferry.core.FakeServer;
import dev.ferry.core.Rig;
import dev.ferry.core.SyncConfig;
import dev.ferry.store.DocumentApplier;
import dev.ferry.store.LeaseInfo;
import dev.ferry.store.SyncStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The manager's timers on real threads and the real clock. */
class EngineTimersTest {

  @TempDir Path dir;

  @Test
  void leaseRenewal_hasATimerOfItsOwn_soAStuckChangeCheckCannotLetTheLeaseLapse() throws Exception {
    SyncConfig config = Rig.testConfig().leaseTtl(Duration.ofMillis(600)).changeCheckInterval(Duration.ofMillis(10))
        .build();
    SystemScheduler timers = new SystemScheduler("test-timer");
    SystemScheduler leaseTimer = new SystemScheduler("test-lease");
    CountDownLatch unblock = new CountDownLatch(1);
    try (SyncStore store = SyncStore.open(dir.resolve("app.db"))) {
      Engine engine = new Engine(store, new FakeServer(), new DocumentApplier(), config, timers, leaseTimer, "me");
      engine.restore();
      engine.startTimers();
      try {
        Await.until("holding the lease", () -> engine.keeper().view().mine());
        // The change check's thread is stuck, as on a database that stays busy for its reads.
        timers.schedule(() -> {
          try {
            unblock.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }, 0);
        long firstExpiry = lease(store).expiresAtMillis();
        boolean[] lapsed = {false};
        Await.until("renewed again and again while the change check is stuck", Duration.ofSeconds(20), () -> {
          LeaseInfo now = lease(store);
          lapsed[0] |= !now.isHeldBy("me");
          return lapsed[0] || now.expiresAtMillis() > firstExpiry + 1_200;
        });
        assertFalse(lapsed[0], "the lease lapsed while the timer thread was stuck");
      } finally {
        unblock.countDown();
        engine.stopAll();
        timers.shutdown();
        leaseTimer.shutdown();
      }
    }
  }

  private static LeaseInfo lease(SyncStore store) {
    return store.leases().current("cloud").orElseThrow();
  }
}
