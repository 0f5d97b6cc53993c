package dev.ferry.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.core.CycleResult;
import dev.ferry.core.FakeServer;
import dev.ferry.core.Phase;
import dev.ferry.core.Rig;
import dev.ferry.store.DocumentApplier;
import dev.ferry.store.MutationApplier;
import dev.ferry.transport.TransportException.Kind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When the loop runs cycles: stepped by hand on the manual clock, no sync thread. */
class SyncLoopTest {

  private static final long MS = 1_000_000;

  @TempDir Path dir;
  private Rig rig;
  private SyncLoop loop;

  private void open() {
    rig = Rig.open(dir);
    loop = rig.engine.loop();
    loop.kick();
    loop.step();
  }

  @AfterEach
  void close() {
    if (rig != null) {
      rig.close();
    }
  }

  private long now() {
    return rig.scheduler.nanoTime();
  }

  @Test
  void notify_whileIdle_runsACycleAtOnce() {
    open();
    int before = rig.server.pushCalls();
    rig.writeAndNotify("notes", "a", "{}");
    loop.step();
    assertEquals(before + 1, rig.server.pushCalls(), "leading edge: no quiet window when idle");
    assertEquals(0, rig.pending());
  }

  @Test
  void notifies_whileTheCycleMayStillRead_runOneFollowUpRightAfterIt() {
    rig = Rig.open(dir, b -> b.pushBatchSize(1));
    loop = rig.engine.loop();
    loop.kick();
    loop.step();
    rig.server.onPush(req -> {
      rig.server.onPush(null);
      // The first of two full batches is in flight: the cycle will read the outbox again.
      rig.scheduler.advance(Duration.ofMillis(5));
      rig.writeAndNotify("notes", "b", "{}");
      rig.writeAndNotify("notes", "c", "{}");
    });
    rig.write("notes", "a0", "{}");
    rig.writeAndNotify("notes", "a", "{}");
    long next = loop.step();
    assertEquals(2, rig.server.pushCalls(), "the two batches there were when the cycle began");
    assertTrue(next - now() <= 0, "the follow-up is due at once, no quiet window");
    loop.step();
    assertEquals(0, rig.pending(), "one follow-up for the notifies");
    assertEquals(4, rig.server.pushCalls());
  }

  @Test
  void notify_afterTheCyclesLastRead_runsRightAfterThatCycle() {
    open();
    rig.server.onPush(req -> {
      rig.server.onPush(null);
      // The only batch is in flight: the cycle will not read the outbox again.
      rig.writeAndNotify("notes", "b", "{}");
    });
    rig.writeAndNotify("notes", "a", "{}");
    long next = loop.step();
    assertTrue(next - now() <= 0, "due at once, no quiet window");
    loop.step();
    assertEquals(2, rig.server.pushCalls());
    assertEquals(0, rig.pending());
  }

  @Test
  void idle_loop_waitsForThePollAndThenPulls() {
    open();
    long next = loop.step();
    assertEquals(rig.config.pollInterval().toNanos(), next - now(), "nothing due before the poll");
    rig.server.appendRemote("r2", "notes", "note", "x", "{}");
    rig.scheduler.advanceTo(next);
    loop.step();
    assertEquals(1, rig.store.targets().state("cloud").lastPulledSeq());
  }

  @Test
  void pushFailure_defersThePushToTheEndOfItsBackoff_andThePullGoesOn() {
    open();
    rig.server.failNextPushes(FakeServer.failure(Kind.UNAVAILABLE));
    int pulls = rig.server.pullCalls();
    rig.writeAndNotify("notes", "a", "{}");
    long next = loop.step();
    assertEquals(now(), next, "the pull the failed push cut short runs at once");
    next = loop.step();
    assertEquals(pulls + 1, rig.server.pullCalls(), "pulls keep their pace");
    assertEquals(1_000 * MS, next - now(), "the push's retry at the end of its 1 s backoff");
    rig.writeAndNotify("notes", "b", "{}");
    assertEquals(next, loop.step(), "a notify during the push backoff waits");
    assertEquals(1, rig.server.pushCalls());
    assertEquals(Phase.PUSH_FAILED, rig.status().phase());
    rig.scheduler.advanceTo(next);
    loop.step();
    assertEquals(2, rig.server.pushCalls());
    assertEquals(0, rig.pending());
    assertEquals(Phase.HEALTHY, rig.status().phase());
  }

  @Test
  void pullFailures_doNotHoldBackLocalWrites() {
    open();
    rig.server.failNextPulls(FakeServer.failure(Kind.UNAVAILABLE), FakeServer.failure(Kind.UNAVAILABLE));
    loop.kick();
    long first = loop.step();
    rig.scheduler.advanceTo(first);
    long next = loop.step();
    assertEquals(2_000 * MS, next - now(), "the pull side's second backoff");
    int pulls = rig.server.pullCalls();
    for (int i = 0; i < 3; i++) {
      rig.scheduler.advance(Duration.ofMillis(100));
      rig.writeAndNotify("notes", "w" + i, "{}");
      loop.step();
      assertEquals(0, rig.pending(), "write " + i + " pushed at once while pulls back off");
    }
    assertEquals(pulls, rig.server.pullCalls(), "no pull before its backoff ends");
    assertEquals(Phase.PULL_FAILED, rig.status().phase(), "the status still shows the failing pull");
    assertEquals(2, rig.status().consecutiveFailures());
    rig.scheduler.advanceTo(next);
    loop.step();
    assertEquals(pulls + 1, rig.server.pullCalls(), "the pull's retry at the end of its backoff");
    assertEquals(Phase.HEALTHY, rig.status().phase());
    assertEquals(0, rig.status().consecutiveFailures());
  }

  @Test
  void pullBackoff_endingWhileACycleSitsThePullOut_stillRetriesThePullRightAfterIt() {
    open();
    rig.server.failNextPulls(FakeServer.failure(Kind.UNAVAILABLE));
    loop.kick();
    long retryAt = loop.step();
    int pulls = rig.server.pullCalls();
    rig.server.onPush(req -> {
      rig.server.onPush(null);
      // The cycle began inside the pull's backoff (the pull sits out); it ends while the push runs.
      rig.scheduler.advanceTo(retryAt);
    });
    rig.writeAndNotify("notes", "a", "{}");
    long next = loop.step();
    assertEquals(0, rig.pending(), "the push side ran");
    assertEquals(pulls, rig.server.pullCalls(), "the pull sat this cycle out");
    assertTrue(next - now() <= 0, "the owed pull is due at once, not at the next poll");
    loop.step();
    assertEquals(pulls + 1, rig.server.pullCalls(), "the pull's retry");
    assertEquals(Phase.HEALTHY, rig.status().phase());
  }

  @Test
  void pushBackoff_endingWhileACycleSitsThePushOut_stillPushesRightAfterIt() {
    AtomicReference<Runnable> onApply = new AtomicReference<>(() -> {});
    MutationApplier applier = (context, mutation) -> {
      onApply.getAndSet(() -> {}).run();
      new DocumentApplier().apply(context, mutation);
    };
    rig = Rig.open(dir, b -> {}, applier);
    loop = rig.engine.loop();
    loop.kick();
    loop.step();
    rig.server.failNextPushes(FakeServer.failure(Kind.UNAVAILABLE));
    rig.writeAndNotify("notes", "a", "{}");
    loop.step();
    long retryAt = loop.step();
    assertEquals(1_000 * MS, retryAt - now(), "the push's backoff");
    rig.server.appendRemote("r2", "notes", "note", "x", "{}");
    // The poll's cycle begins inside the push's backoff (the push sits out); it ends during the pull.
    onApply.set(() -> rig.scheduler.advanceTo(retryAt));
    loop.kick();
    long next = loop.step();
    assertEquals(1, rig.store.targets().state("cloud").lastPulledSeq(), "the pull side ran");
    assertEquals(1, rig.pending(), "the push sat this cycle out");
    assertTrue(next - now() <= 0, "the owed push is due at once, not at the next poll");
    loop.step();
    assertEquals(0, rig.pending(), "the push's retry");
    assertEquals(Phase.HEALTHY, rig.status().phase());
  }

  @Test
  void pullBackoff_isPersistedOnItsOwnSide_andARestartStillPushesAtOnce() {
    open();
    rig.server.failNextPulls(FakeServer.failure(Kind.UNAVAILABLE));
    loop.kick();
    long retryAt = loop.step();
    dev.ferry.store.TargetState file = rig.store.targets().state("cloud");
    assertEquals(new dev.ferry.store.BackoffState(1, rig.scheduler.clock().millis() + 1_000), file.pull());
    assertEquals(dev.ferry.store.BackoffState.NONE, file.push());
    long elapsed = rig.scheduler.nanoTime();
    rig.close();
    rig = Rig.open(dir, b -> {}, new dev.ferry.store.DocumentApplier(), Duration.ofNanos(elapsed));
    loop = rig.engine.loop();
    int pulls = rig.server.pullCalls();
    rig.writeAndNotify("notes", "a", "{}");
    loop.step();
    assertEquals(0, rig.pending(), "pushed at once after the restart");
    assertEquals(pulls, rig.server.pullCalls(), "the pull side still waits out its persisted backoff");
    assertEquals(Phase.PULL_FAILED, rig.status().phase());
    rig.scheduler.advanceTo(retryAt);
    loop.step();
    assertEquals(pulls + 1, rig.server.pullCalls());
    assertEquals(Phase.HEALTHY, rig.status().phase());
  }

  @Test
  void syncNow_duringABackoff_runsAtOnce() {
    open();
    rig.server.failNextPulls(FakeServer.failure(Kind.UNAVAILABLE));
    loop.kick();
    loop.step();
    CompletableFuture<CycleResult> f = new CompletableFuture<>();
    loop.request(f);
    loop.step();
    assertEquals(CycleResult.Outcome.SUCCESS, f.join().outcome());
  }

  @Test
  void syncNow_duringTheServersRetryAfter_doesNotPullAndKeepsTheScheduledRetry() {
    open();
    rig.server.failNextPulls(new dev.ferry.transport.TransportException(Kind.RATE_LIMITED, "429", 429,
        "rate_limited", Duration.ofSeconds(30), null));
    loop.kick();
    long retryAt = loop.step();
    assertEquals(30_000 * MS, retryAt - now());
    int pullsBefore = rig.server.pullCalls();
    CompletableFuture<CycleResult> f = new CompletableFuture<>();
    loop.request(f);
    assertEquals(retryAt, loop.step(), "the retry stays scheduled");
    assertTrue(f.join().pullSkipped(), "the server asked explicitly: no pull, only the push side ran");
    assertEquals(pullsBefore, rig.server.pullCalls());
    int pulls = rig.server.pullCalls();
    rig.scheduler.advanceTo(retryAt);
    loop.step();
    assertEquals(pulls + 1, rig.server.pullCalls(), "retried when the Retry-After ended");
    assertEquals(Phase.HEALTHY, rig.status().phase());
  }

  @Test
  void paused_notifiesRunNoCycleWorkAndTheLoopDoesNotSpin() {
    open();
    rig.store.targets().addPauseReason("cloud", "user");
    rig.writeAndNotify("notes", "a", "{}");
    long next = loop.step();
    assertEquals(0, rig.server.pushCalls());
    assertTrue(next - now() > 0, "nothing to do now");
    assertEquals(next, loop.step(), "stable deadline");
    assertEquals(Phase.DISABLED, rig.status().phase());
  }
}
