package dev.ferry.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.core.Await;
import dev.ferry.core.FakeServer;
import dev.ferry.core.Rig;
import dev.ferry.store.MutationState;
import dev.ferry.transport.TransportException.Kind;
import dev.ferry.transport.wire.PulledMutation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property test of the wake-up logic: for many seeds, a random interleaving of writes, notifies
 * (some delayed after their commit, as a host thread may be), loop steps, clock moves, notifies and
 * writes arriving <em>during</em> a cycle, and failed pushes and pulls. Afterwards the loop is run
 * only up to deadlines well short of the safety-net poll (1 h), so a lost wake-up would leave
 * mutations pending: every recorded mutation must be on the server exactly once. Run twice: without
 * long-poll, and with the long-poll thread running (its pages applied between and during steps,
 * cycles for notifies alone not pulling while it is outstanding).
 */
class SyncLoopNoLostWakeUpTest {

  private static final int SEEDS = 40;
  private static final Duration POLL = Duration.ofHours(1);
  private static final String LONG_POLL_THREAD = "ferry-longpoll-cloud";

  @TempDir Path dir;

  @Test
  void randomInterleavings_everyRecordedMutationIsPushedExactlyOnce() throws Exception {
    for (long seed = 1; seed <= SEEDS; seed++) {
      Path d = Files.createDirectory(dir.resolve("seed-" + seed));
      run(seed, d, false);
    }
  }

  @Test
  void randomInterleavings_withTheLongPollRunning_everyRecordedMutationIsPushedExactlyOnce() throws Exception {
    int withLongPolls = 0;
    for (long seed = 1; seed <= SEEDS; seed++) {
      Path d = Files.createDirectory(dir.resolve("long-poll-seed-" + seed));
      withLongPolls += run(seed, d, true) > 0 ? 1 : 0;
    }
    assertTrue(withLongPolls > SEEDS / 2, "the long-poll ran in " + withLongPolls + " of " + SEEDS + " seeds");
  }

  /** One seed; returns how many long-polls the server saw. */
  private int run(long seed, Path d, boolean longPoll) {
    Random random = new Random(seed);
    int batch = 1 + random.nextInt(4);
    try (Rig rig = Rig.open(d, b -> b.pollInterval(POLL).pushBatchSize(batch)
        .backoff(Duration.ofMillis(100), Duration.ofSeconds(5)).longPollWait(longPoll ? Duration.ofSeconds(25)
            : Duration.ZERO))) {
      SyncLoop loop = rig.engine.loop();
      LongPoller poller = rig.engine.longPoller();
      if (poller != null) {
        poller.start();
      }
      Set<Long> recorded = new HashSet<>();
      Deque<Runnable> delayedNotifies = new ArrayDeque<>();
      int[] keys = {0};
      // In the final phase, writes during a cycle notify at once and stop after a budget, so the
      // last notify of the run may well be one that arrives during a cycle.
      int[] finalBudget = {-1};
      Runnable write = () -> recorded.add(rig.write("p" + random.nextInt(3), "k" + keys[0]++ % 7, "{\"s\":" + seed + "}"));

      rig.server.onPush(req -> {
        int n = random.nextInt(3);
        for (int i = 0; i < n; i++) {
          if (finalBudget[0] == 0) {
            break;
          }
          write.run();
          if (finalBudget[0] > 0) {
            finalBudget[0]--;
            rig.engine.debouncer().notifyDirty();
          } else if (random.nextBoolean()) {
            rig.engine.debouncer().notifyDirty();
          } else {
            delayedNotifies.add(rig.engine.debouncer()::notifyDirty);
          }
        }
        if (random.nextInt(10) == 0) {
          rig.server.failNextPushes(FakeServer.failure(Kind.UNAVAILABLE));
        }
      });

      for (int action = 0; action < 150; action++) {
        switch (random.nextInt(6)) {
          case 0, 1 -> {
            write.run();
            if (random.nextInt(3) == 0) {
              delayedNotifies.add(rig.engine.debouncer()::notifyDirty);
            } else {
              rig.engine.debouncer().notifyDirty();
            }
          }
          case 2 -> {
            if (!delayedNotifies.isEmpty()) {
              delayedNotifies.poll().run();
            }
          }
          case 3 -> loop.step();
          case 4 -> {
            rig.scheduler.advance(Duration.ofMillis(random.nextInt(60)));
            loop.step();
          }
          default -> {
            if (random.nextInt(8) == 0) {
              rig.server.failNextPulls(FakeServer.failure(Kind.UNAVAILABLE));
            }
            rig.scheduler.advance(Duration.ofMillis(random.nextInt(5)));
          }
        }
      }
      finalBudget[0] = 1 + random.nextInt(4);
      while (!delayedNotifies.isEmpty()) {
        delayedNotifies.poll().run();
      }
      if (random.nextBoolean()) {
        write.run();
        rig.engine.debouncer().notifyDirty();
      }
      if (longPoll) {
        settleWithLongPoll(rig, loop);
      } else {
        quiesce(rig, loop);
      }

      List<PulledMutation> log = rig.server.log();
      List<Long> pushed = new ArrayList<>();
      for (PulledMutation m : log) {
        pushed.add(m.clientSeq());
      }
      assertEquals(pushed.size(), new HashSet<>(pushed).size(), "seed " + seed + ": none stored twice");
      assertEquals(recorded, new HashSet<>(pushed), "seed " + seed + ": every recorded mutation pushed");
      assertEquals(0, rig.rows(MutationState.PENDING).size(), "seed " + seed);
      assertTrue(recorded.size() > 10, "seed " + seed + " recorded " + recorded.size());
      return rig.server.longPolls();
    }
  }

  /**
   * {@link #quiesce} until the long-poll thread is idle too (parked, or waiting on the server for
   * news) and a last step finds nothing due before half the poll interval: a page it delivers
   * afterwards cannot change the outcome.
   */
  private static void settleWithLongPoll(Rig rig, SyncLoop loop) {
    for (int round = 0; round < 1_000; round++) {
      quiesce(rig, loop);
      Await.until("the long-poll thread idle", () -> idle(LONG_POLL_THREAD));
      long next = loop.step();
      if ((next == SyncLoop.NONE || next - rig.scheduler.nanoTime() >= POLL.toNanos() / 2) && idle(LONG_POLL_THREAD)) {
        return;
      }
    }
    throw new AssertionError("the loop and the long-poll did not settle");
  }

  private static boolean idle(String threadName) {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(threadName))
        .allMatch(t -> t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING
            || t.getState() == Thread.State.TERMINATED);
  }

  /** Steps to each deadline that comes before half the poll interval; stops when none does. */
  private static void quiesce(Rig rig, SyncLoop loop) {
    for (int i = 0; i < 10_000; i++) {
      long next = loop.step();
      long now = rig.scheduler.nanoTime();
      if (next == SyncLoop.NONE || next - now >= POLL.toNanos() / 2) {
        return;
      }
      rig.scheduler.advanceTo(next);
    }
    throw new AssertionError("the loop did not settle");
  }
}
