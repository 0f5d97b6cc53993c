package dev.ferry.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class DebouncerTest {

  private static final long MS = 1_000_000;

  private final AtomicLong now = new AtomicLong(1_000 * MS);
  private final AtomicInteger clockReads = new AtomicInteger();
  private final AtomicInteger wakes = new AtomicInteger();
  private final Debouncer d = new Debouncer(this::tick, wakes::incrementAndGet, Duration.ZERO);

  private long tick() {
    clockReads.incrementAndGet();
    return now.get();
  }

  @Test
  void notify_whileIdle_isDueAtOnceAndWakesTheLoopOnce() {
    assertEquals(Debouncer.NONE, d.dueAt(now.get()));
    d.notifyDirty();
    d.notifyDirty();
    assertEquals(now.get(), d.dueAt(now.get()), "leading edge");
    assertEquals(1, wakes.get(), "only the idle-to-dirty transition wakes");
  }

  @Test
  void notify_whileTheCycleMayStillRead_isDueRightAfterTheCycle() {
    d.beginCycle();
    now.addAndGet(5 * MS);
    d.notifyDirty();
    now.addAndGet(3 * MS);
    d.notifyDirty();
    assertEquals(Debouncer.NONE, d.dueAt(now.get()), "nothing runs during the cycle");
    assertTrue(d.endCycle());
    assertEquals(now.get(), d.dueAt(now.get()), "no quiet window: due as soon as the cycle returned");
    assertEquals(0, wakes.get(), "the loop is awake anyway at the end of its cycle");
  }

  @Test
  void notifies_thatNeverStop_areServedByEveryNextCycle() {
    for (int i = 0; i < 100; i++) {
      d.beginCycle();
      now.addAndGet(3 * MS);
      d.notifyDirty();
      d.endCycle();
      assertEquals(now.get(), d.dueAt(now.get()), "cycle " + i + " is followed by another at once");
    }
  }

  @Test
  void notifyDirty_readsNoClock() {
    int before = clockReads.get();
    for (int i = 0; i < 10; i++) {
      d.notifyDirty();
      d.beginCycle();
      d.notifyDirty();
      d.endCycle();
    }
    assertEquals(before + 10, clockReads.get(), "only beginCycle reads the clock");
  }

  @Test
  void minInterval_spacesCyclesForNotifiesButKeepsTheLeadingEdge() {
    Debouncer spaced = new Debouncer(now::get, wakes::incrementAndGet, Duration.ofMillis(100));
    spaced.notifyDirty();
    assertEquals(now.get(), spaced.dueAt(now.get()), "the first write after idle leaves at once");
    long began = now.get();
    spaced.beginCycle();
    now.addAndGet(5 * MS);
    spaced.notifyDirty();
    spaced.endCycle();
    assertEquals(began + 100 * MS, spaced.dueAt(now.get()), "the next push waits for the interval");
    now.set(began + 150 * MS);
    assertEquals(now.get(), spaced.dueAt(now.get()), "and runs once it has passed");
  }

  @Test
  void endCycle_withoutNotifies_returnsToIdle() {
    d.beginCycle();
    assertFalse(d.endCycle());
    assertFalse(d.dirty());
    assertEquals(Debouncer.NONE, d.dueAt(now.get()));
    d.notifyDirty();
    assertEquals(1, wakes.get());
  }

  @Test
  void endCycle_afterTheLastRead_thenNotify_isDueAtOnceAndTheFinalEndKeepsIt() {
    d.beginCycle();
    assertFalse(d.endCycle(), "last read done, nothing notified yet");
    d.notifyDirty();
    assertFalse(d.endCycle(), "the cycle's end changes nothing now");
    assertEquals(now.get(), d.dueAt(now.get()), "served right after the cycle");
  }

  @Test
  void endCycle_twice_afterNotifiesDuringTheReads_staysDue() {
    d.beginCycle();
    d.notifyDirty();
    assertTrue(d.endCycle());
    d.notifyDirty();
    assertFalse(d.endCycle());
    assertTrue(d.dirty());
    assertEquals(now.get(), d.dueAt(now.get()));
  }

  @Test
  void beginCycle_consumesPendingNotifies() {
    d.notifyDirty();
    d.beginCycle();
    assertFalse(d.dirty());
    assertFalse(d.endCycle());
  }

  /**
   * Many threads notify while a loop thread runs cycles; every notify must be followed by the start
   * of a cycle (beginCycle) that happens after it. The loop thread only starts a cycle when the
   * debouncer says one is due, and otherwise parks like the real sync thread — until the
   * debouncer's wake-up or its deadline — so a lost wake-up shows as a notify with no later cycle
   * (the test would hang on it rather than spin it away).
   */
  @Test
  void concurrentNotifiesAndCycles_neverLoseAWakeUp() throws Exception {
    Thread[] loopThread = new Thread[1];
    Debouncer real = new Debouncer(System::nanoTime, () -> LockSupport.unpark(loopThread[0]), Duration.ZERO);
    AtomicLong lastNotifySeq = new AtomicLong();
    AtomicLong coveredSeq = new AtomicLong();
    AtomicLong seq = new AtomicLong();
    AtomicBoolean writersDone = new AtomicBoolean();
    int writers = 3;
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      Thread t = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < 20_000; i++) {
          long s = seq.incrementAndGet();
          lastNotifySeq.accumulateAndGet(s, Math::max);
          real.notifyDirty();
        }
      });
      t.start();
      threads.add(t);
    }
    Thread loop = new Thread(() -> {
      while (true) {
        boolean done = writersDone.get();
        long now = System.nanoTime();
        long due = real.dueAt(now);
        if (due != Debouncer.NONE && due - now <= 0) {
          real.beginCycle();
          // The cycle "reads the outbox": everything notified so far is covered.
          coveredSeq.set(seq.get());
          real.endCycle();
        } else if (done && due == Debouncer.NONE) {
          return;
        } else if (due == Debouncer.NONE) {
          LockSupport.park(this);
        } else {
          LockSupport.parkNanos(this, due - now);
        }
      }
    });
    loopThread[0] = loop;
    loop.start();
    start.countDown();
    for (Thread t : threads) {
      t.join();
    }
    writersDone.set(true);
    LockSupport.unpark(loop);
    loop.join(60_000);
    assertFalse(loop.isAlive());
    assertEquals(lastNotifySeq.get(), coveredSeq.get(), "every notify was covered by a later cycle");
    assertEquals(writers * 20_000L, seq.get());
  }
}
