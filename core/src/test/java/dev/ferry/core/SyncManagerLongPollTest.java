package dev.ferry.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.store.DocumentApplier;
import dev.ferry.store.MutationApplier;
import dev.ferry.transport.TransportException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The long-poll on a started manager (real threads, manual scheduler, scripted server): remote
 * writes arrive while the sync thread stays free, stop cancels it, failures on its thread are
 * contained.
 */
class SyncManagerLongPollTest extends ManagerFixture {

  private static SyncConfig.Builder longPolling() {
    return Rig.testConfig().longPollWait(Duration.ofSeconds(25));
  }

  @Test
  void longPoll_deliversRemoteWritesWhileTheSyncThreadStaysFreeToPush() {
    SyncManager m = manager(longPolling());
    m.start();
    Await.until("long-poll parked", () -> server.longPolls() == 1);
    server.appendRemote("r2", "notes", "note", "remote", "{\"v\":1}");
    Await.until("applied from the long-poll", () -> store.documents().get("notes", "note", "remote").isPresent());
    Await.until("long-poll re-armed", () -> server.longPolls() == 2);

    int pullsBefore = server.pullCalls();
    write(store, "local");
    m.notifyDirty();
    Await.until("pushed while the long-poll waits", () -> server.log().size() == 2);
    Await.until("own echo consumed", () -> store.targets().state("cloud").lastPulledSeq() == 2);
    Await.until("healthy again", () -> m.status().phase() == Phase.HEALTHY);
    assertTrue(server.pullCalls() - pullsBefore <= 1,
        "the push cycle did not pull: the outstanding long-poll brings the echo");
  }

  @Test
  void longPoll_anErrorThrownByTheTransport_isContainedAndTheLongPollThreadLivesOn() {
    AtomicBoolean broken = new AtomicBoolean(true);
    server.onLongPoll(() -> {
      if (broken.getAndSet(false)) {
        throw new AssertionError("a transport bug");
      }
    });
    SyncManager m = manager(longPolling());
    m.start();
    Await.until("the failure contained", Duration.ofSeconds(10),
        () -> m.status().reasonCode() == ReasonCode.INTERNAL_ERROR);
    assertEquals(1, m.status().consecutiveFailures());
    assertTrue(threadAlive("ferry-longpoll-cloud"));
    scheduler.advance(Duration.ofSeconds(1));
    Await.until("retried and long-polling again", Duration.ofSeconds(10), () -> server.longPolls() == 2);
    server.appendRemote("r2", "notes", "note", "remote", "{}");
    Await.until("applied from the long-poll", Duration.ofSeconds(10),
        () -> store.documents().get("notes", "note", "remote").isPresent());
  }

  @Test
  void longPoll_aStackOverflowInTheApplierOnTheLongPollThread_isContainedAndRetried() {
    AtomicBoolean broken = new AtomicBoolean(true);
    DocumentApplier documents = new DocumentApplier();
    MutationApplier applier = new MutationApplier() {
      @Override
      public void apply(dev.ferry.store.ApplyContext context, dev.ferry.store.RemoteMutation mutation)
          throws Exception {
        if (broken.get()) {
          throw new StackOverflowError("deep host recursion");
        }
        documents.apply(context, mutation);
      }

      @Override
      public String id() {
        return documents.id();
      }
    };
    SyncManager m = manager(store, applier, longPolling());
    m.start();
    Await.until("long-poll parked", Duration.ofSeconds(10), () -> server.longPolls() == 1);
    server.appendRemote("r2", "notes", "note", "remote", "{}");
    Await.until("the failure contained", Duration.ofSeconds(10),
        () -> m.status().reasonCode() == ReasonCode.INTERNAL_ERROR);
    assertTrue(threadAlive("ferry-longpoll-cloud"));
    broken.set(false);
    scheduler.advance(Duration.ofSeconds(1));
    Await.until("applied by the retry", Duration.ofSeconds(10),
        () -> store.documents().get("notes", "note", "remote").isPresent());
    Await.until("long-polling again", Duration.ofSeconds(10), () -> server.longPolls() >= 2);
  }

  @Test
  void aServerAnsweringLongPollsAtOnce_isNotAskedAgainInATightLoop() {
    server.longPollSupported(false);
    SyncManager m = manager(longPolling().pollInterval(Duration.ofSeconds(30)));
    m.start();
    Await.until("the first long-poll", Duration.ofSeconds(10), () -> server.longPolls() == 1);
    awaitHoldBack(Duration.ofSeconds(1));
    for (int i = 0; i < 5; i++) {
      assertEquals(CycleResult.Outcome.SUCCESS, m.syncNow().join().outcome());
    }
    assertEquals(1, server.longPolls(), "held back instead of re-issued the moment it came back empty");
    scheduler.advance(Duration.ofSeconds(1));
    Await.until("the next one after a second", Duration.ofSeconds(10), () -> server.longPolls() == 2);
    awaitHoldBack(Duration.ofSeconds(2));
    m.syncNow().join();
    scheduler.advance(Duration.ofMillis(1_900));
    m.syncNow().join();
    assertEquals(2, server.longPolls(), "the hold-back grows");
    scheduler.advance(Duration.ofMillis(100));
    Await.until("after two seconds", Duration.ofSeconds(10), () -> server.longPolls() == 3);
    // Then 4, 8, 16 s, and from there on the 30 s poll interval. Time moves only once the answer
    // set its hold-back (a manual clock jumping while a call is in flight would make the hold-back
    // start later), and exactly to each end.
    for (long holdBack : new long[] {4, 8, 16, 30, 30, 30}) {
      int n = server.longPolls();
      awaitHoldBack(Duration.ofSeconds(holdBack));
      m.syncNow().join();
      scheduler.advance(Duration.ofSeconds(holdBack - 1));
      m.syncNow().join();
      assertEquals(n, server.longPolls(), "still held back, " + holdBack + " s in all");
      scheduler.advance(Duration.ofSeconds(1));
      Await.until("the long-poll after " + holdBack + " s", Duration.ofSeconds(10), () -> server.longPolls() == n + 1);
    }
    assertEquals(0, m.status().consecutiveFailures(), "not a failure");
    assertEquals(Phase.HEALTHY, m.status().phase());
  }

  /**
   * Waits until the last long-poll came back, so its hold-back starts at the current manual time,
   * not at a time the test moves to while the call is still on its way back.
   */
  private void awaitHoldBack(Duration holdBack) {
    Await.until("the long-poll's answer before a hold-back of " + holdBack, Duration.ofSeconds(10),
        () -> server.longPollsEnded() == server.longPolls());
  }

  @Test
  void aLongPollRefusedWith429_waitsForItsRetryAfterWithoutCountingAFailure() {
    AtomicBoolean full = new AtomicBoolean(true);
    server.onLongPoll(() -> {
      if (full.get()) {
        throw new TransportException(TransportException.Kind.RATE_LIMITED, "429 too many long-polls", 429,
            "too_many_long_polls", Duration.ofSeconds(5), null);
      }
    });
    SyncManager m = manager(longPolling());
    m.start();
    Await.until("the first long-poll", Duration.ofSeconds(10), () -> server.longPolls() == 1);
    for (int i = 0; i < 5; i++) {
      assertEquals(CycleResult.Outcome.SUCCESS, m.syncNow().join().outcome(), "pushes and pulls go on");
    }
    assertEquals(1, server.longPolls(), "waits for the Retry-After");
    assertEquals(0, m.status().consecutiveFailures());
    assertEquals(Phase.HEALTHY, m.status().phase());
    full.set(false);
    scheduler.advance(Duration.ofSeconds(5));
    Await.until("asked again after the Retry-After", Duration.ofSeconds(10), () -> server.longPolls() == 2);
    server.appendRemote("r2", "notes", "note", "remote", "{}");
    Await.until("long-polling works again", Duration.ofSeconds(10),
        () -> store.documents().get("notes", "note", "remote").isPresent());
  }
}
