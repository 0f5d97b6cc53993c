package dev.ferry.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.core.Rig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Natural batching, stepped by hand on the manual clock: no cycle for local writes waits for time to
 * pass; batches form from what was written while the previous push was in flight.
 */
class SyncLoopBatchingTest {

  private static final long MS = 1_000_000;

  @TempDir Path dir;
  private Rig rig;
  private SyncLoop loop;
  private final List<Integer> batches = new ArrayList<>();

  private void open(int batchSize, Duration minPushInterval) {
    rig = Rig.open(dir, b -> b.pushBatchSize(batchSize).minPushInterval(minPushInterval));
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

  /** Records each push's size; the first {@code pushesLeft} pushes each let {@code writesPerPush} writes land. */
  private void writesDuringEachPush(AtomicInteger pushesLeft, int writesPerPush) {
    AtomicInteger n = new AtomicInteger();
    rig.server.onPush(req -> {
      batches.add(req.mutations().size());
      if (pushesLeft.getAndDecrement() > 0) {
        rig.scheduler.advance(Duration.ofMillis(2)); // the round trip
        for (int i = 0; i < writesPerPush; i++) {
          rig.writeAndNotify("notes", "during-" + n.incrementAndGet(), "{}");
        }
      }
    });
  }

  @Test
  void steadyStream_eachPushTakesWhatWasWrittenDuringThePreviousOne_withoutWaiting() {
    open(500, Duration.ZERO);
    writesDuringEachPush(new AtomicInteger(20), 3);
    rig.writeAndNotify("notes", "first", "{}");
    long started = now();
    for (int i = 0; i < 30 && rig.pending() > 0; i++) {
      long next = loop.step();
      if (rig.pending() > 0) {
        assertTrue(next - now() <= 0, "the next push is due as soon as the last returned (step " + i + ")");
      }
    }
    assertEquals(0, rig.pending());
    assertEquals(1, batches.get(0), "the first write after idle leaves alone, at once");
    for (int i = 1; i < batches.size(); i++) {
      assertEquals(3, batches.get(i), "push " + i + " carries the writes made during push " + (i - 1));
    }
    assertEquals(21, batches.size());
    assertEquals(20 * 2 * MS, now() - started, "no time passed but the round trips");
    assertEquals(1, rig.server.maxPushesInFlight(), "one push in flight per target");
  }

  @Test
  void burst_coalescesIntoFullBatches() {
    open(500, Duration.ZERO);
    writesDuringEachPush(new AtomicInteger(1), 1_999);
    rig.writeAndNotify("notes", "first", "{}");
    for (int i = 0; i < 10 && rig.pending() > 0; i++) {
      loop.step();
    }
    assertEquals(0, rig.pending());
    assertEquals(List.of(1, 500, 500, 500, 499), batches,
        "2,000 writes: the first leaves at once, the 1,999 written during its round trip in full batches");
  }

  @Test
  void writeWhileAPushIsInFlight_leavesRightAfterItReturns() {
    open(500, Duration.ZERO);
    writesDuringEachPush(new AtomicInteger(1), 1);
    rig.writeAndNotify("notes", "a", "{}");
    long next = loop.step();
    assertEquals(1, rig.server.pushCalls());
    assertEquals(1, rig.pending(), "written during the push");
    assertEquals(now(), next, "due the moment the push returned");
    loop.step();
    assertEquals(2, rig.server.pushCalls());
    assertEquals(0, rig.pending());
  }

  @Test
  void minPushInterval_spacesPushesUnderAStreamButNotTheFirstWrite() {
    open(500, Duration.ofMillis(100));
    rig.scheduler.advance(Duration.ofSeconds(1));
    writesDuringEachPush(new AtomicInteger(1), 5);
    long t0 = now();
    rig.writeAndNotify("notes", "a", "{}");
    long next = loop.step();
    assertEquals(1, rig.server.pushCalls(), "the first write after idle leaves at once");
    assertEquals(t0 + 100 * MS, next, "the next push waits for the interval");
    rig.scheduler.advance(Duration.ofMillis(50));
    loop.step();
    assertEquals(1, rig.server.pushCalls(), "not before it");
    rig.scheduler.advanceTo(next);
    loop.step();
    assertEquals(List.of(1, 5), batches);
    assertEquals(0, rig.pending());
  }
}
