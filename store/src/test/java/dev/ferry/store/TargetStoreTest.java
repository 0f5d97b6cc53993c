package dev.ferry.store;

import static dev.ferry.store.Fixtures.TARGET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TargetStoreTest {

  @TempDir Path dir;
  private final TestClock clock = new TestClock();

  @Test
  void state_ofATargetThatNeverSynced_isTheInitialState() {
    try (SyncStore store = Fixtures.open(dir, clock)) {
      assertEquals(TargetState.initial(TARGET), store.targets().state(TARGET));
      assertEquals(Optional.empty(), store.targets().applierId(TARGET));
    }
  }

  @Test
  void enrollmentAndPauseReasons_persistAcrossReopen() {
    try (SyncStore store = Fixtures.open(dir, clock)) {
      TargetStore t = store.targets();
      t.setEnrollment(TARGET, EnrollmentMode.EXPLICIT);
      assertTrue(t.enroll(TARGET, "notes"));
      assertFalse(t.enroll(TARGET, "notes"));
      assertTrue(t.enroll(TARGET, "tasks"));
      assertTrue(t.unenroll(TARGET, "tasks"));
      assertTrue(t.addPauseReason(TARGET, "upgrade:notes"));
      assertTrue(t.addPauseReason(TARGET, "user"));
      assertFalse(t.addPauseReason(TARGET, "user"));
      assertTrue(t.removePauseReason(TARGET, "user"));
      assertFalse(t.removePauseReason(TARGET, "user"));
    }
    try (SyncStore store = Fixtures.open(dir, clock)) {
      TargetStore t = store.targets();
      assertEquals(EnrollmentMode.EXPLICIT, t.state(TARGET).enrollment());
      assertEquals(Set.of("notes"), t.enrolledProjects(TARGET));
      assertEquals(Set.of("upgrade:notes"), t.pauseReasons(TARGET));
      assertEquals(Set.of(), t.pauseReasons("other"));
    }
  }

  @Test
  void pauseReason_mustBeShortAndNonBlank() {
    try (SyncStore store = Fixtures.open(dir, clock)) {
      assertEquals("reason must not be blank",
          assertThrows(IllegalArgumentException.class, () -> store.targets().addPauseReason(TARGET, "")).getMessage());
      assertEquals("reason must be at most 200 chars but was 201", assertThrows(IllegalArgumentException.class,
          () -> store.targets().addPauseReason(TARGET, "x".repeat(201))).getMessage());
    }
  }

  @Test
  void status_readsEverythingFromTheFileAlone() {
    long oldestAt = clock.millis();
    Fence fence;
    try (SyncStore store = Fixtures.open(dir, clock)) {
      long a = Fixtures.record(store, MutationDraft.upsert("notes", "note", "a", "{}"));
      clock.advance(Duration.ofSeconds(5));
      Fixtures.record(store, MutationDraft.upsert("tasks", "task", "t", "{}"));
      long q = Fixtures.record(store, MutationDraft.upsert("notes", "note", "q", "{}"));
      store.targets().setEnrollment(TARGET, EnrollmentMode.EXPLICIT);
      store.targets().enroll(TARGET, "notes");
      store.targets().addPauseReason(TARGET, "user");
      fence = store.leases().acquire(TARGET, "host/1/abc", Duration.ofMinutes(1)).fence();
      FencedWriter w = store.fenced(fence, new DocumentApplier());
      w.quarantine(q, "validation_error", "bad");
      w.applyPage(Fixtures.page(1, 3), 10);
      w.ack(List.of(new Ack(a, 11)));
      w.recordCycle(new CycleRecord("healthy", "success", 40, false, 0, null, null, null, null, clock.millis(),
          new ErrorEntry(clock.millis(), "transport_failed", "earlier hiccup")));
    }
    // A stopped replica: a fresh process opens the file and reports the truth.
    try (SyncStore store = Fixtures.open(dir, clock)) {
      StoreStatus s = store.status(TARGET);
      assertEquals(store.replicaId(), s.replicaId());
      assertEquals(TARGET, s.target());
      assertEquals(clock.millis(), s.readAtMillis());
      assertEquals(3, s.state().lastPulledSeq());
      assertEquals(10, s.state().serverLatestSeq());
      assertEquals("healthy", s.state().phase());
      assertEquals(1, s.state().totalPushed());
      assertEquals(3, s.state().totalPulled());
      assertEquals(DocumentApplier.ID, s.state().applierId());
      assertEquals(new LeaseInfo(TARGET, "host/1/abc", 1, clock.millis() + 60_000, true), s.lease());
      assertEquals(1, s.pendingCount());
      assertEquals(oldestAt + 5_000, s.oldestPendingCreatedAt());
      assertEquals(1, s.quarantinedCount());
      assertEquals(Map.of("tasks", 1L), s.nonEnrolledPending());
      assertEquals(Set.of("notes"), s.enrolledProjects());
      assertEquals(Set.of("user"), s.pauseReasons());
      assertEquals(List.of(new ErrorEntry(clock.millis(), "transport_failed", "earlier hiccup")), s.recentErrors());
      clock.advance(Duration.ofMinutes(2));
      assertFalse(store.status(TARGET).lease().held());
    }
  }

  @Test
  void status_ofAnEmptyTarget_hasNoLeaseAndNoPending() {
    try (SyncStore store = Fixtures.open(dir, clock)) {
      StoreStatus s = store.status("fresh");
      assertNull(s.lease());
      assertNull(s.oldestPendingCreatedAt());
      assertEquals(0, s.pendingCount());
      assertEquals(TargetState.initial("fresh"), s.state());
    }
  }
}
