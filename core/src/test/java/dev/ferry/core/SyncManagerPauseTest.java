package dev.ferry.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.store.SyncStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Pause against everything else that runs at the same time: once {@code pause} returns, no push or
 * pull may start — not from a cycle that had just passed its pause check, not from the long-poll,
 * not after the change check read the pause reasons just before they changed.
 */
class SyncManagerPauseTest extends ManagerFixture {

  @Test
  void afterPauseReturns_nothingStartsTalkingToTheServer() throws Exception {
    AtomicBoolean paused = new AtomicBoolean();
    List<String> violations = new CopyOnWriteArrayList<>();
    server.onPush(req -> {
      if (paused.get()) {
        violations.add("a push of " + req.mutations().size() + " started while paused");
      }
    });
    server.onLongPoll(() -> {
      // An interrupted call is cancelled before it sends anything, as HttpSyncTransport's is.
      if (paused.get() && !Thread.currentThread().isInterrupted()) {
        violations.add("a long-poll started while paused");
      }
    });
    // Remote writes make every long-poll return at once with a page, so long-polls keep starting.
    SyncManager m = manager(Rig.testConfig().longPollWait(Duration.ofSeconds(25))
        .changeCheckInterval(Duration.ofMillis(10)));
    m.start();
    SyncStore otherProcess = newStore();
    AtomicBoolean done = new AtomicBoolean();
    Thread background = new Thread(() -> {
      for (int i = 0; !done.get(); i++) {
        // Another connection's commits make the change check read the pause reasons each time.
        write(otherProcess, "elsewhere-" + i % 50);
        server.appendRemote("r2", "notes", "note", "remote-" + i % 50, "{}");
        scheduler.advance(Duration.ofMillis(10));
      }
    }, "other-process");
    background.start();
    try {
      for (int round = 0; round < 150 && violations.isEmpty(); round++) {
        write(store, "local-" + round % 50);
        m.notifyDirty();
        m.pause("test");
        paused.set(true);
        write(store, "while-paused-" + round % 50);
        m.notifyDirty();
        Thread.yield();
        paused.set(false);
        m.resume("test");
      }
    } finally {
      done.set(true);
      background.join();
    }
    assertEquals(List.of(), violations);
    assertTrue(server.longPolls() > 10, "long-polls ran meanwhile: " + server.longPolls());
    // The other process's last writes are seen by the next change check: let the timers run.
    Await.until("everything pushed after the last resume", () -> {
      scheduler.advance(Duration.ofMillis(10));
      return store.outbox().pendingCount("cloud") == 0;
    });
  }
}
