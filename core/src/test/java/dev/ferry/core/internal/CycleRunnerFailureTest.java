package dev.ferry.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.core.CycleResult;
import dev.ferry.core.CycleResult.Outcome;
import dev.ferry.core.FakeServer;
import dev.ferry.core.Phase;
import dev.ferry.core.ReasonCode;
import dev.ferry.core.Rig;
import dev.ferry.core.SyncStatus;
import dev.ferry.store.ApplyContext;
import dev.ferry.store.MutationApplier;
import dev.ferry.store.RemoteMutation;
import dev.ferry.store.TargetState;
import dev.ferry.transport.TransportException;
import dev.ferry.transport.TransportException.Kind;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Failures: classification into reason codes and phases, backoff, the ceiling, persistence, containment. */
class CycleRunnerFailureTest {

  @TempDir Path dir;
  private Rig rig;

  @AfterEach
  void close() {
    if (rig != null) {
      rig.close();
    }
  }

  private Instant now() {
    return rig.scheduler.clock().instant();
  }

  @ParameterizedTest
  @CsvSource({
      "UNAVAILABLE, transport_failed, push_failed, 1",
      "RATE_LIMITED, transport_failed, push_failed, 1",
      "FORBIDDEN, policy_forbidden, push_failed, 1",
      "UNSUPPORTED, server_unsupported, push_failed, 1",
      "PROTOCOL, protocol_error, push_failed, 1",
      "AUTH, auth_required, push_failed, 300",
  })
  void push_failure_isClassifiedAndBacksOff(Kind kind, String code, String phase, long delaySeconds) {
    rig = Rig.open(dir);
    rig.write("notes", "a", "{}");
    rig.server.failNextPushes(FakeServer.failure(kind));
    CycleResult r = rig.cycle();
    assertEquals(Outcome.FAILED, r.outcome());
    assertEquals(code, r.reasonCode().wireName());
    assertEquals(phase, r.phase().wireName());
    assertEquals(now().plusSeconds(delaySeconds), r.backoffUntil(), "auth waits the maximum at once");
    assertEquals(1, rig.pending(), "nothing acked");
    SyncStatus s = rig.status();
    assertEquals(1, s.consecutiveFailures());
    assertEquals(code, s.recentErrors().get(0).code());
    assertEquals("scripted " + kind, s.lastError());
  }

  @Test
  void pull_failure_readsPullFailed() {
    rig = Rig.open(dir);
    rig.server.failNextPulls(FakeServer.failure(Kind.UNAVAILABLE));
    CycleResult r = rig.cycle();
    assertEquals(Phase.PULL_FAILED, r.phase());
    assertEquals(ReasonCode.TRANSPORT_FAILED, r.reasonCode());
  }

  @Test
  void failures_growTheBackoffAndASuccessResetsIt() {
    rig = Rig.open(dir);
    for (int n = 1; n <= 4; n++) {
      rig.server.failNextPulls(FakeServer.failure(Kind.UNAVAILABLE));
      CycleResult r = rig.cycle();
      assertEquals(now().plusSeconds(1L << (n - 1)), r.backoffUntil(), "failure " + n);
      assertEquals(n, rig.status().consecutiveFailures());
    }
    CycleResult ok = rig.cycle();
    assertEquals(Outcome.SUCCESS, ok.outcome());
    SyncStatus s = rig.status();
    assertEquals(0, s.consecutiveFailures());
    assertNull(s.backoffUntil());
    assertEquals(4, s.totalFailures());
    assertEquals("scripted UNAVAILABLE", s.lastError(), "the last error is kept after recovery");
    assertEquals(Phase.HEALTHY, s.phase());
  }

  @Test
  void failures_atTheCeiling_readBackoffAndKeepRetryingAtTheMaximum() {
    rig = Rig.open(dir, b -> b.maxConsecutiveFailures(3).backoff(Duration.ofSeconds(1), Duration.ofSeconds(60)));
    CycleResult r = null;
    for (int n = 1; n <= 6; n++) {
      rig.server.failNextPulls(FakeServer.failure(Kind.UNAVAILABLE));
      r = rig.cycle();
      if (n < 3) {
        assertEquals(Phase.PULL_FAILED, r.phase());
      } else {
        assertEquals(Phase.BACKOFF, r.phase(), "failure " + n);
        assertEquals(now().plusSeconds(60), r.backoffUntil());
      }
    }
    assertEquals(ReasonCode.TRANSPORT_FAILED, r.reasonCode());
    assertEquals(6, rig.status().consecutiveFailures());
    assertEquals(Outcome.SUCCESS, rig.cycle().outcome(), "retries never stop");
  }

  @Test
  void failure_withRetryAfter_waitsAtLeastThatLong() {
    rig = Rig.open(dir);
    rig.server.failNextPulls(new TransportException(Kind.RATE_LIMITED, "429", 429, "rate_limited",
        Duration.ofSeconds(90), null));
    CycleResult r = rig.cycle();
    assertEquals(now().plusSeconds(90), r.backoffUntil());
  }

  @Test
  void explicitCycle_duringAServersRetryAfter_waitsForIt() {
    rig = Rig.open(dir);
    rig.server.failNextPulls(new TransportException(Kind.RATE_LIMITED, "429", 429, "rate_limited",
        Duration.ofSeconds(90), null));
    rig.cycle();
    int pulls = rig.server.pullCalls();
    rig.write("notes", "a", "{}");
    CycleResult r = rig.cycle();
    assertTrue(r.pullSkipped(), "the server asked explicitly");
    assertEquals(pulls, rig.server.pullCalls(), "no pull sent");
    assertEquals(1, r.pushed(), "the push side is not held back by the pull side's Retry-After");
    assertEquals(Phase.PULL_FAILED, r.phase());
    assertEquals(now().plusSeconds(90), r.backoffUntil());
    rig.scheduler.advance(Duration.ofSeconds(90));
    assertEquals(Outcome.SUCCESS, rig.cycle().outcome());
  }

  @Test
  void explicitCycle_afterTheRetryAfterButDuringTheLocalBackoff_runs() {
    rig = Rig.open(dir);
    for (int i = 0; i < 3; i++) {
      rig.server.failNextPulls(FakeServer.failure(Kind.UNAVAILABLE));
      rig.cycle();
    }
    rig.server.failNextPulls(new TransportException(Kind.UNAVAILABLE, "503", 503, "unavailable",
        Duration.ofSeconds(1), null));
    assertEquals(now().plusSeconds(8), rig.cycle().backoffUntil(), "the local backoff is longer");
    rig.scheduler.advance(Duration.ofSeconds(1));
    int pulls = rig.server.pullCalls();
    assertTrue(rig.triggered().pullSkipped(), "a trigger waits for the local backoff");
    assertEquals(pulls, rig.server.pullCalls());
    CycleResult explicit = rig.cycle();
    assertEquals(Outcome.SUCCESS, explicit.outcome(), "an explicit cycle only for the server's Retry-After");
    assertEquals(pulls + 1, rig.server.pullCalls());
    assertEquals(Phase.HEALTHY, explicit.phase());
  }

  @Test
  void failure_isPersisted_soARestartedManagerResumesItsBackoff() {
    rig = Rig.open(dir);
    for (int i = 0; i < 3; i++) {
      rig.server.failNextPulls(FakeServer.failure(Kind.UNAVAILABLE));
      rig.cycle();
    }
    TargetState persisted = rig.store.targets().state("cloud");
    assertEquals(3, persisted.consecutiveFailures());
    assertEquals(rig.scheduler.clock().millis() + 4_000, persisted.backoffUntil());
    assertEquals("pull_failed", persisted.phase());
    assertEquals("transport_failed", persisted.reasonCode());

    // A new manager on the same file (same clock): it waits out the rest of the backoff.
    rig.scheduler.advance(Duration.ofSeconds(1));
    Rig restarted = reopen();
    SyncLoop loop = restarted.engine.loop();
    loop.kick();
    loop.step();
    assertEquals(0, restarted.server.pullCalls(), "still backing off after the restart");
    assertEquals(3, restarted.status().consecutiveFailures());
    assertEquals(Phase.PULL_FAILED, restarted.status().phase());
    restarted.scheduler.advance(Duration.ofSeconds(3));
    loop.step();
    assertEquals(1, restarted.server.pullCalls(), "the deferred cycle ran when the backoff ended");
    assertEquals(0, restarted.status().consecutiveFailures());
    restarted.close();
  }

  @Test
  void failures_atIntegerAndLongMax_saturateAndKeepRetryingAtTheMaximum() {
    rig = Rig.open(dir);
    rig.cycle();
    rig.store.jdbi().useHandle(h -> h.execute("UPDATE ferry_targets SET consecutive_failures = ?, total_failures = ?,"
        + " backoff_until = NULL, pull_failures = ?", Integer.MAX_VALUE - 1, Long.MAX_VALUE - 1, Integer.MAX_VALUE - 1));
    Rig restarted = reopen();
    rig = restarted;
    assertEquals(Integer.MAX_VALUE - 1, rig.status().consecutiveFailures(), "resumed from the file");
    for (int i = 0; i < 3; i++) {
      rig.server.failNextPulls(FakeServer.failure(Kind.UNAVAILABLE));
      CycleResult r = rig.cycle();
      assertEquals(Phase.BACKOFF, r.phase(), "past the ceiling");
      assertEquals(now().plusSeconds(300), r.backoffUntil(), "the 5 min maximum, no overflow into a negative delay");
    }
    SyncStatus s = rig.status();
    assertEquals(Integer.MAX_VALUE, s.consecutiveFailures());
    assertEquals(Long.MAX_VALUE, s.totalFailures());
    assertEquals(Integer.MAX_VALUE, rig.store.targets().state("cloud").consecutiveFailures());
    assertEquals(Outcome.SUCCESS, rig.cycle().outcome(), "retries never stop");
    assertEquals(0, rig.status().consecutiveFailures());
  }

  private Rig reopen() {
    long elapsed = rig.scheduler.nanoTime();
    rig.close();
    return Rig.open(dir, b -> {}, new dev.ferry.store.DocumentApplier(), Duration.ofNanos(elapsed));
  }

  @Test
  void crash_inTheApplier_isContainedAsInternalErrorAndTheLoopLivesOn() {
    boolean[] broken = {true};
    rig = Rig.open(dir, b -> {}, applierFailingWhile(broken, () -> new IllegalStateException("host bug")));
    rig.server.appendRemote("r2", "notes", "note", "a", "{}");
    CycleResult r = rig.cycle();
    assertEquals(Outcome.FAILED, r.outcome());
    assertEquals(Phase.BACKOFF, r.phase());
    assertEquals(ReasonCode.INTERNAL_ERROR, r.reasonCode());
    assertTrue(r.reasonMessage().contains("host bug"), r.reasonMessage());
    assertEquals(0, rig.store.targets().state("cloud").lastPulledSeq(), "the page was rolled back");
    broken[0] = false;
    assertEquals(Outcome.SUCCESS, rig.cycle().outcome());
    assertEquals(1, rig.store.targets().state("cloud").lastPulledSeq());
  }

  @Test
  void crash_aStackOverflowInTheApplier_isContainedAndTheStoreStaysUsable() {
    boolean[] broken = {true};
    rig = Rig.open(dir, b -> {}, applierFailingWhile(broken, () -> new StackOverflowError("deep host recursion")));
    rig.server.appendRemote("r2", "notes", "note", "a", "{}");
    CycleResult r = rig.cycle();
    assertEquals(Outcome.FAILED, r.outcome());
    assertEquals(Phase.BACKOFF, r.phase());
    assertEquals(ReasonCode.INTERNAL_ERROR, r.reasonCode());
    assertTrue(r.reasonMessage().contains("deep host recursion"), r.reasonMessage());
    assertEquals(0, rig.store.targets().state("cloud").lastPulledSeq(), "the page was rolled back");
    assertEquals(1, rig.store.targets().state("cloud").consecutiveFailures(), "persisted: the writer still works");
    broken[0] = false;
    rig.write("notes", "local", "{}");
    assertEquals(Outcome.SUCCESS, rig.cycle().outcome());
    assertEquals(2, rig.store.targets().state("cloud").lastPulledSeq());
    assertEquals(0, rig.pending());
  }

  @Test
  void crash_inTheTransport_isContainedAsInternalError() {
    rig = Rig.open(dir);
    rig.write("notes", "a", "{}");
    rig.server.failNextPushes(new NullPointerException("transport bug"));
    CycleResult r = rig.cycle();
    assertEquals(Phase.BACKOFF, r.phase());
    assertEquals(ReasonCode.INTERNAL_ERROR, r.reasonCode());
    assertEquals(1, rig.status().consecutiveFailures());
    assertEquals(Outcome.SUCCESS, rig.cycle().outcome());
    assertEquals(0, rig.pending());
  }

  @Test
  void crash_anErrorThrownInsideTheCycle_isContainedToo() {
    rig = Rig.open(dir);
    rig.write("notes", "a", "{}");
    rig.server.onPush(req -> {
      rig.server.onPush(null);
      throw new AssertionError("an Error, not an Exception");
    });
    CycleResult r = rig.cycle();
    assertEquals(ReasonCode.INTERNAL_ERROR, r.reasonCode());
    assertEquals(Outcome.SUCCESS, rig.cycle().outcome());
  }

  @Test
  void storeBusy_throughEveryRetry_isATransientFailureWithAClearMessageAndBacksOff() throws Exception {
    rig = Rig.open(dir, b -> {}, s -> s.busyTimeout(Duration.ofSeconds(1)).lockRetries(0));
    rig.cycle();
    rig.write("notes", "a", "{}");
    CycleResult r;
    try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("replica.db"));
        Statement st = other.createStatement()) {
      st.execute("BEGIN IMMEDIATE");
      r = rig.cycle();
      st.execute("ROLLBACK");
    }
    assertEquals(Outcome.FAILED, r.outcome());
    assertEquals(Phase.PUSH_FAILED, r.phase(), "transient, not the unexpected-crash phase");
    assertEquals(ReasonCode.INTERNAL_ERROR, r.reasonCode());
    assertTrue(r.reasonMessage().startsWith("the database file was busy; retrying after the backoff: "),
        r.reasonMessage());
    assertEquals(now().plusSeconds(1), r.backoffUntil(), "the first step of the backoff");
    assertEquals(1, rig.pending(), "pushed but not acked: pushed again next time");

    rig.scheduler.advance(Duration.ofSeconds(1));
    assertEquals(Outcome.SUCCESS, rig.triggered().outcome());
    assertEquals(0, rig.pending());
    assertEquals(1, rig.server.log().size(), "the re-push was a duplicate");
  }

  @Test
  void triggeredCycle_duringAPullBackoff_pushesWithoutPullingButAnExplicitOneRuns() {
    rig = Rig.open(dir);
    rig.server.failNextPulls(FakeServer.failure(Kind.UNAVAILABLE));
    rig.cycle();
    int pulls = rig.server.pullCalls();
    rig.write("notes", "a", "{}");
    CycleResult skipped = rig.triggered();
    assertTrue(skipped.pullSkipped());
    assertEquals(1, skipped.pushed(), "pushes keep their pace while pulls back off");
    assertEquals(pulls, rig.server.pullCalls());
    assertEquals(Phase.PULL_FAILED, skipped.phase(), "the status still shows the failing pull");
    assertEquals(1, rig.status().consecutiveFailures());
    assertEquals("pull_failed", rig.store.targets().state("cloud").phase());
    CycleResult forced = rig.cycle();
    assertEquals(Outcome.SUCCESS, forced.outcome());
    assertNotEquals(pulls, rig.server.pullCalls());
  }

  /** An applier that throws {@code failure} (unchecked or an Error) while {@code broken[0]} is set. */
  private static MutationApplier applierFailingWhile(boolean[] broken, Supplier<? extends Throwable> failure) {
    return new MutationApplier() {
      @Override
      public void apply(ApplyContext context, RemoteMutation mutation) {
        if (broken[0]) {
          Throwable t = failure.get();
          if (t instanceof Error e) {
            throw e;
          }
          throw (RuntimeException) t;
        }
      }

      @Override
      public String id() {
        return "test-applier";
      }
    };
  }
}
