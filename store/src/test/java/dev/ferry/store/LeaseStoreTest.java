package dev.ferry.store;

import static dev.ferry.store.Fixtures.TARGET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeaseStoreTest {

  private static final Duration TTL = Duration.ofSeconds(30);

  @TempDir Path dir;
  private final TestClock clock = new TestClock();
  private SyncStore store;
  private LeaseStore leases;

  @BeforeEach
  void setUp() {
    store = Fixtures.open(dir, clock);
    leases = store.leases();
  }

  @AfterEach
  void tearDown() {
    store.close();
  }

  @Test
  void acquire_freeLease_startsAtEpochOne() {
    assertEquals(Optional.empty(), leases.current(TARGET));
    LeaseInfo info = leases.acquire(TARGET, "a", TTL);
    assertEquals(new LeaseInfo(TARGET, "a", 1, clock.millis() + TTL.toMillis(), true), info);
    assertTrue(info.isHeldBy("a"));
    assertEquals(new Fence(TARGET, "a", 1), info.fence());
  }

  @Test
  void acquire_byHolder_renewsWithTheSameEpoch() {
    leases.acquire(TARGET, "a", TTL);
    clock.advance(Duration.ofSeconds(20));
    LeaseInfo renewed = leases.acquire(TARGET, "a", TTL);
    assertEquals(1, renewed.epoch());
    assertEquals(clock.millis() + TTL.toMillis(), renewed.expiresAtMillis());
  }

  @Test
  void acquire_heldByAnother_returnsTheHolderAndChangesNothing() {
    LeaseInfo a = leases.acquire(TARGET, "a", TTL);
    clock.advance(Duration.ofSeconds(29));
    LeaseInfo seenByB = leases.acquire(TARGET, "b", TTL);
    assertEquals(a, seenByB);
    assertFalse(seenByB.isHeldBy("b"));
    assertTrue(seenByB.isHeldBy("a"));
  }

  @Test
  void acquire_afterExpiry_byAnotherOwner_raisesTheEpoch() {
    leases.acquire(TARGET, "a", TTL);
    clock.advance(TTL);
    assertFalse(leases.current(TARGET).orElseThrow().held(), "expires_at <= now is expired");
    LeaseInfo b = leases.acquire(TARGET, "b", TTL);
    assertTrue(b.isHeldBy("b"));
    assertEquals(2, b.epoch());
    clock.advance(TTL);
    assertEquals(3, leases.acquire(TARGET, "a", TTL).epoch());
  }

  @Test
  void acquire_afterExpiry_bySameOwner_keepsTheEpoch() {
    leases.acquire(TARGET, "a", TTL);
    clock.advance(TTL.multipliedBy(3));
    LeaseInfo again = leases.acquire(TARGET, "a", TTL);
    assertTrue(again.isHeldBy("a"));
    assertEquals(1, again.epoch(), "the epoch rises exactly when the owner changes");
  }

  @Test
  void release_freesTheLeaseAtOnceAndKeepsTheEpochRising() {
    Fence a = leases.acquire(TARGET, "a", TTL).fence();
    assertTrue(leases.release(a));
    assertFalse(leases.current(TARGET).orElseThrow().held());
    assertFalse(leases.release(a), "already released");
    LeaseInfo b = leases.acquire(TARGET, "b", TTL);
    assertEquals(2, b.epoch());
    assertFalse(leases.release(a), "a stale fence does not release b's lease");
    assertTrue(leases.current(TARGET).orElseThrow().isHeldBy("b"));
  }

  @Test
  void leasesOfDifferentTargets_areIndependent() {
    assertTrue(leases.acquire("cloud", "a", TTL).isHeldBy("a"));
    assertTrue(leases.acquire("backup", "b", TTL).isHeldBy("b"));
  }

  @Test
  void defaultOwner_namesHostPidAndIsUniquePerCall() {
    String owner = LeaseStore.defaultOwner();
    String[] parts = owner.split("/");
    assertEquals(3, parts.length, owner);
    assertEquals(Long.toString(ProcessHandle.current().pid()), parts[1]);
    assertEquals(8, parts[2].length());
    assertNotEquals(owner, LeaseStore.defaultOwner());
  }

  @Test
  void acquire_refusesBadArguments() {
    assertEquals("ttl must be between 1 ms and 1 day but was PT0S",
        assertThrows(IllegalArgumentException.class, () -> leases.acquire(TARGET, "a", Duration.ZERO)).getMessage());
    assertEquals("owner must not be blank",
        assertThrows(IllegalArgumentException.class, () -> leases.acquire(TARGET, " ", TTL)).getMessage());
  }
}
