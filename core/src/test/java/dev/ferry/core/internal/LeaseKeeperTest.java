package dev.ferry.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.store.DocumentApplier;
import dev.ferry.store.LeaseInfo;
import dev.ferry.store.StoreConfig;
import dev.ferry.store.SyncStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeaseKeeperTest {

  private static final Duration TTL = Duration.ofSeconds(30);

  @TempDir Path dir;
  private final ManualScheduler scheduler = new ManualScheduler();
  private final AtomicInteger acquired = new AtomicInteger();
  private final AtomicInteger lost = new AtomicInteger();
  private SyncStore store;
  private LeaseKeeper keeper;

  @BeforeEach
  void open() {
    store = SyncStore.open(dir.resolve("app.db"), StoreConfig.builder().clock(scheduler.clock()).build());
    keeper = new LeaseKeeper(store, "cloud", "me", TTL, scheduler, new DocumentApplier());
    keeper.callbacks(acquired::incrementAndGet, lost::incrementAndGet);
  }

  @AfterEach
  void close() {
    keeper.stopTimer();
    store.close();
  }

  private LeaseInfo current() {
    return store.leases().current("cloud").orElseThrow();
  }

  @Test
  void ensure_withinAThirdOfTheTtl_touchesNothing() {
    LeaseKeeper.View first = keeper.ensure();
    assertTrue(first.mine());
    long expires = current().expiresAtMillis();
    scheduler.advance(Duration.ofSeconds(9));
    assertSame(first, keeper.ensure(), "cached");
    assertEquals(expires, current().expiresAtMillis());
    scheduler.advance(Duration.ofSeconds(2));
    assertTrue(keeper.ensure().mine());
    assertEquals(expires + 11_000, current().expiresAtMillis(), "renewed after TTL/3");
  }

  @Test
  void timer_renewsEveryThirdOfTheTtlWithoutAnyCycle() {
    keeper.startTimer();
    scheduler.runDue();
    for (int i = 0; i < 12; i++) {
      scheduler.advance(Duration.ofSeconds(10));
      assertTrue(current().isHeldBy("me"), "after " + (i + 1) * 10 + " s");
    }
    assertEquals(1, current().epoch());
    assertEquals(1, acquired.get(), "taken once, then renewed");
  }

  @Test
  void waiting_holderWhoseProcessIsGone_isTakenOverWithinAProbeNotAfterTheTtl() {
    SyncStore holderStore = SyncStore.open(dir.resolve("app.db"), StoreConfig.builder().clock(scheduler.clock()).build());
    LeaseInfo held = holderStore.leases().acquire("cloud", "holder", TTL);
    keeper.startTimer();
    scheduler.runDue();
    assertEquals("holder", keeper.view().owner());
    scheduler.advance(Duration.ofSeconds(2));
    assertFalse(keeper.view().mine(), "a live holder keeps its file lock");

    holderStore.close(); // the lock goes as with a dead process; the lease row stays unexpired
    scheduler.advance(Duration.ofMillis(LeaseKeeper.PROBE_MILLIS));

    assertTrue(keeper.view().mine(), "taken over within one probe");
    assertEquals(held.epoch() + 1, current().epoch());
    assertEquals(1, acquired.get());
  }

  @Test
  void timer_whoseCallbackThrowsAnError_keepsRenewing() {
    keeper.callbacks(() -> {
      throw new AssertionError("a broken callback");
    }, lost::incrementAndGet);
    keeper.startTimer();
    scheduler.runDue();
    assertTrue(current().isHeldBy("me"));
    for (int i = 0; i < 12; i++) {
      scheduler.advance(Duration.ofSeconds(10));
      assertTrue(current().isHeldBy("me"), "still renewed after " + (i + 1) * 10 + " s");
    }
  }

  @Test
  void timer_ofANonHolder_takesOverRightAfterTheHoldersLeaseLapses() {
    store.leases().acquire("cloud", "other", Duration.ofSeconds(12));
    keeper.startTimer();
    scheduler.runDue();
    assertFalse(keeper.view().mine());
    scheduler.advance(Duration.ofSeconds(10));
    assertFalse(keeper.view().mine(), "the other's lease still runs");
    scheduler.advance(Duration.ofMillis(2_100));
    assertTrue(keeper.view().mine(), "taken at the lapse, not at the next 10 s tick");
    assertEquals(2, current().epoch());
    assertEquals(1, acquired.get());
  }

  @Test
  void timer_reportsALeaseTakenOverAfterItLapsed() {
    keeper.ensure();
    scheduler.advance(TTL.plusSeconds(1));
    store.leases().acquire("cloud", "thief", TTL);
    keeper.startTimer();
    scheduler.runDue();
    assertEquals(1, lost.get());
    assertFalse(keeper.view().mine());
  }

  @Test
  void rotateOwner_releasesAndTheNextLeaseHasAHigherEpoch() {
    long epoch = keeper.ensure().lease().epoch();
    keeper.rotateOwner();
    assertNotEquals("me", keeper.owner());
    assertFalse(current().held(), "released");
    assertEquals(epoch + 1, keeper.ensure().lease().epoch());
  }

  @Test
  void writer_isOnlyGivenWhileHeld() {
    assertEquals(null, keeper.writer());
    keeper.ensure();
    assertEquals(keeper.view().lease().fence(), keeper.writer().fence());
    keeper.markLost();
    assertEquals(null, keeper.writer());
  }
}
