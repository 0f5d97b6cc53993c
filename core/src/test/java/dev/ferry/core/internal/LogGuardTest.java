package dev.ferry.core.internal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.store.BackoffState;
import dev.ferry.store.EnrollmentMode;
import dev.ferry.store.TargetState;
import dev.ferry.transport.wire.PullResponse;
import dev.ferry.transport.wire.PulledMutation;
import dev.ferry.transport.wire.RawJson;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** Which server answers are a log reset. */
class LogGuardTest {

  private static TargetState state(long cursor, @Nullable String logId, @Nullable String anchor) {
    return new TargetState("cloud", cursor, cursor, 0, null, null, null, null, null, null, 0, 0, 0, 0, 0, "healthy",
        EnrollmentMode.ALL, null, BackoffState.NONE, BackoffState.NONE, logId, anchor);
  }

  private static PulledMutation at(long seq, String replica, long clientSeq) {
    return new PulledMutation(seq, replica, clientSeq, "notes", "doc", "k", "upsert", RawJson.of("{}"), null, null);
  }

  @Test
  void sameLogAtOrPastTheCursor_isNoReset() {
    LogGuard g = new LogGuard(state(10, "L1", null));
    assertDoesNotThrow(() -> g.check("pull", "L1", 10));
    assertDoesNotThrow(() -> g.check("push", null, 12));
  }

  @Test
  void anotherLogId_isAReset_evenAheadOfTheCursor() {
    LogGuard g = new LogGuard(state(10, "L1", null));
    LogResetDetected d = assertThrows(LogResetDetected.class, () -> g.check("push", "L2", 500));
    assertEquals("L2", d.logId());
    assertEquals(500, d.latestSeq());
  }

  @Test
  void latestBelowTheCursor_isAReset_withOrWithoutLogId() {
    assertThrows(LogResetDetected.class, () -> new LogGuard(state(10, "L1", null)).check("pull", "L1", 9));
    assertThrows(LogResetDetected.class, () -> new LogGuard(state(10, null, null)).check("pull", null, 0));
  }

  @Test
  void anchor_mustBeTheMutationAtTheCursor() {
    TargetState s = state(10, "L1", TargetState.anchorOf("r1", 4));
    LogGuard g = new LogGuard(s);
    assertTrue(g.anchored());
    assertDoesNotThrow(() -> g.checkAnchor(new PullResponse(List.of(at(10, "r1", 4), at(11, "r2", 1)), false, 11)));
    assertThrows(LogResetDetected.class,
        () -> new LogGuard(s).checkAnchor(new PullResponse(List.of(at(10, "r2", 4)), false, 12, "L1")));
    assertThrows(LogResetDetected.class,
        () -> new LogGuard(s).checkAnchor(new PullResponse(List.of(at(11, "r1", 4)), false, 12, "L1")));
    assertThrows(LogResetDetected.class,
        () -> new LogGuard(s).checkAnchor(new PullResponse(List.of(), false, 12, "L1")));
    assertFalse(new LogGuard(state(0, null, null)).anchored());
  }

  @Test
  void aTargetWithoutLogId_takesTheFirstLogItSees_untilAdopted() {
    LogGuard g = new LogGuard(state(3, null, null));
    assertDoesNotThrow(() -> g.check("pull", "L9", 3));
    assertDoesNotThrow(() -> g.check("pull", "L8", 3), "nothing to compare with before it is adopted");
    assertNull(g.known(), "adopted only through the fenced writer (adoptIfNew)");
  }
}
