package dev.ferry.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.store.DocumentApplier;
import dev.ferry.store.MutationApplier;
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
  void stop_duringALongPoll_cancelsTheLongPoll() {
    SyncManager m = manager(longPolling());
    m.start();
    Await.until("a long-poll waiting on the server", () -> server.longPolls() == 1);
    assertTrue(threadAlive("ferry-longpoll-cloud"));
    m.stop();
    assertFalse(threadAlive("ferry-longpoll-cloud"), "stop did not wait out the 25 s long-poll");
    assertFalse(threadAlive("ferry-sync-cloud"));
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
}
