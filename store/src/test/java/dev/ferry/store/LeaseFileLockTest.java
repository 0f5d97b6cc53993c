package dev.ferry.store;

import static dev.ferry.store.Fixtures.TARGET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lease holder's OS file lock as a liveness signal: free only when the holder is gone, it lets a
 * contender take over before the TTL; never when the holder is alive or never had the lock. Several
 * stores of one file in one JVM (Java file locks are per JVM) must not trip over each other.
 */
class LeaseFileLockTest {

  private static final Duration TTL = Duration.ofMinutes(1);

  @TempDir Path dir;
  private final TestClock clock = new TestClock();
  private SyncStore a;
  private SyncStore b;

  @BeforeEach
  void setUp() {
    a = Fixtures.open(dir, clock);
    b = Fixtures.open(dir, clock);
  }

  @AfterEach
  void tearDown() {
    a.close();
    b.close();
  }

  @Test
  void liveHolder_keepsItsLock_soAContenderInTheSameJvmWaits() {
    assertTrue(a.leases().acquire(TARGET, "holder", TTL).isHeldBy("holder"));
    assertTrue(Files.exists(dir.resolve("app.db.ferry-lease-cloud.lock")));

    assertFalse(b.leases().holderGone(TARGET, "waiter"));
    assertFalse(b.leases().acquire(TARGET, "waiter", TTL).isHeldBy("waiter"));
    assertTrue(a.leases().acquire(TARGET, "holder", TTL).isHeldBy("holder"), "renewal keeps working");
  }

  @Test
  void holderWhoseStoreIsGone_isTakenOverAtOnceWithAHigherEpoch() {
    LeaseInfo held = a.leases().acquire(TARGET, "holder", TTL);
    a.close();

    assertTrue(b.leases().holderGone(TARGET, "waiter"));
    LeaseInfo taken = b.leases().acquire(TARGET, "waiter", TTL);

    assertTrue(taken.isHeldBy("waiter"), "well before the TTL");
    assertEquals(held.epoch() + 1, taken.epoch());
    assertFalse(b.leases().holderGone(TARGET, "third"), "the new holder has the lock now");
  }

  @Test
  void holderThatNeverHadTheLock_isNotTakenOverEarly_andTheLockGoesBack() {
    // What an older Ferry (or a file system without locks) leaves: an unexpired lease, no lock.
    a.jdbi().useHandle(h -> h.execute("INSERT INTO ferry_leases (target, owner, epoch, expires_at, lock_held)"
        + " VALUES (?, 'old-ferry', 4, ?, 0)", TARGET, clock.millis() + TTL.toMillis()));

    assertTrue(b.leases().holderGone(TARGET, "waiter"), "the lock is free");
    assertFalse(b.leases().acquire(TARGET, "waiter", TTL).isHeldBy("waiter"), "but that proves nothing here");
    assertTrue(a.leases().holderGone(TARGET, "another"), "the waiter gave the lock back");
    clock.advance(TTL);
    LeaseInfo after = a.leases().acquire(TARGET, "another", TTL);
    assertTrue(after.isHeldBy("another"), "taken over after the TTL as before");
    assertEquals(5, after.epoch());
  }

  @Test
  void release_givesTheLockBack_andAStalledHolderWithoutItIsNotTakenOverByTheLock() {
    LeaseInfo held = a.leases().acquire(TARGET, "holder", TTL);
    assertTrue(a.leases().release(held.fence()));
    assertTrue(b.leases().acquire(TARGET, "next", TTL).isHeldBy("next"));
    // "holder" comes back after "next" took over: it must not get the lock-based take-over.
    assertFalse(a.leases().holderGone(TARGET, "holder"));
    assertFalse(a.leases().acquire(TARGET, "holder", TTL).isHeldBy("holder"));
  }

  @Test
  void uniqueOwner_keepsTheNameAndNeverRepeats() {
    String one = LeaseStore.uniqueOwner("x");
    String two = LeaseStore.uniqueOwner("x");
    assertTrue(one.startsWith("x/" + ProcessHandle.current().pid() + "/"), one);
    assertFalse(one.equals(two));
  }
}
