package dev.ferry.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.store.Fence;
import dev.ferry.store.LeaseLostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AckLaneTest {

  private final AckLane lane = new AckLane("ferry-ack-test");

  @Test
  void submit_runsWritesOneAfterAnotherInOrder_offTheCallingThread() {
    List<Integer> order = Collections.synchronizedList(new ArrayList<>());
    List<Thread> threads = Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < 20; i++) {
      int n = i;
      lane.submit(() -> {
        threads.add(Thread.currentThread());
        order.add(n);
      });
    }
    lane.await();

    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      expected.add(i);
    }
    assertEquals(expected, order);
    assertTrue(threads.stream().allMatch(t -> t != Thread.currentThread() && t.getName().equals("ferry-ack-test")));
  }

  @Test
  void submit_waitsForThePreviousWritesBeforeStartingTheNext() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch secondSubmitted = new CountDownLatch(1);
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    lane.submit(() -> {
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      events.add("first done");
    });
    Thread submitter = new Thread(() -> {
      lane.submit(() -> events.add("second"));
      secondSubmitted.countDown();
    });
    submitter.start();

    dev.ferry.core.Await.until("the second submit to wait for the first writes",
        () -> submitter.getState() == Thread.State.WAITING);
    assertEquals(List.of(), events, "nothing ran yet: the first writes are held");
    assertEquals(1, secondSubmitted.getCount());
    release.countDown();
    submitter.join(10_000);
    lane.await();
    assertEquals(List.of("first done", "second"), events);
  }

  @Test
  void await_rethrowsWhatTheWritesThrew_once() {
    IllegalStateException boom = new IllegalStateException("disk full");
    lane.submit(() -> {
      throw boom;
    });

    assertSame(boom, assertThrows(IllegalStateException.class, lane::await));
    lane.await();
  }

  @Test
  void submit_afterFailedWrites_throwsTheirFailureAndDoesNotRunTheNext() {
    lane.submit(() -> {
      throw new IllegalStateException("first failed");
    });
    List<String> ran = new ArrayList<>();

    assertThrows(IllegalStateException.class, () -> lane.submit(() -> ran.add("second")));
    lane.await();
    assertEquals(List.of(), ran);
  }

  @Test
  void settleAfter_aLostLeaseFoundByTheWritesWins_otherFailuresKeepTheStepsOwn() {
    LeaseLostException lost = new LeaseLostException(new Fence("cloud", "me", 1), "lease lost");
    RuntimeException stepFailure = new IllegalStateException("transport");
    lane.submit(() -> {
      throw lost;
    });
    assertSame(lost, lane.settleAfter(stepFailure));

    lane.submit(() -> {
      throw new IllegalStateException("other");
    });
    assertSame(stepFailure, lane.settleAfter(stepFailure));
    assertSame(stepFailure, lane.settleAfter(stepFailure), "nothing in flight");
  }

  @Test
  void await_interrupted_stillWaitsForTheWritesAndKeepsTheInterrupt() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<String> done = Collections.synchronizedList(new ArrayList<>());
    lane.submit(() -> {
      started.countDown();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      done.add("written");
    });
    started.await();
    Thread waiter = Thread.currentThread();
    Thread releaser = new Thread(() -> {
      // The interrupted waiter keeps waiting for the writes; release them only once it does.
      dev.ferry.core.Await.until("the waiter to wait", () -> waiter.getState() == Thread.State.WAITING);
      release.countDown();
    });
    releaser.start();
    waiter.interrupt();

    lane.await();

    assertTrue(Thread.interrupted(), "the interrupt is kept");
    assertEquals(List.of("written"), done);
    releaser.join(10_000);
  }
  @Test
  void shutdown_letsWritesInFlightFinish_refusesNewOnesAsStopped_andEndsTheThread() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    List<String> done = Collections.synchronizedList(new ArrayList<>());
    lane.submit(() -> {
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      done.add("first");
    });
    lane.shutdown();
    release.countDown();

    assertSame(CycleAbort.STOPPED, assertThrows(CycleAbort.class, () -> lane.submit(() -> done.add("second"))));
    assertTrue(lane.awaitTermination(TimeUnit.SECONDS.toNanos(10)));
    assertEquals(List.of("first"), done);
  }
}
