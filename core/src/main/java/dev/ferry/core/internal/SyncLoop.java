package dev.ferry.core.internal;

import dev.ferry.core.CycleResult;
import dev.ferry.core.Phase;
import dev.ferry.transport.TransportException;
import dev.ferry.transport.wire.PullResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides when the sync thread runs a cycle, one {@link #step()} at a time, and what it waits for
 * in between. Everything that can make a cycle due is an input here:
 *
 * <ul>
 *   <li>notifies, through the {@link Debouncer}: due at once when no cycle runs; those that land
 *       while a cycle runs are served together by the next cycle, right after it returns;
 *   <li>kicks: start, resume, the lease taken over, a long-poll page with more behind it;
 *   <li>{@code syncNow} requests, which run even during a backoff;
 *   <li>the poll interval, the end of a failure's backoff (the retry), and long-poll results.
 * </ul>
 *
 * <p>While the manager holds the lease and the last cycle succeeded, one long-poll stays
 * outstanding on the {@link LongPoller}; its pages are applied here, between cycles. A cycle
 * triggered only by local notifies then pushes without pulling: the outstanding long-poll returns
 * as soon as the server has anything after its cursor, and a page that starts below the current
 * cursor is still complete above it, so nothing is missed; poll, retry and explicit cycles always
 * pull.
 *
 * <p>Nothing here waits for local writes to pause: one cycle at a time means at most one push per
 * target in flight, and the batch each push takes is whatever was written during the one before,
 * so batches grow with the load and the added latency stays about one round trip.
 *
 * <p>Cycles (and long-poll pages) run while holding {@link #gate()}, which {@code pause} takes to
 * wait for a cycle in flight. {@link #step()} is called by one thread at a time (the sync thread,
 * or a test); the inputs are thread-safe.
 */
public final class SyncLoop {

  private static final Logger LOG = LoggerFactory.getLogger(SyncLoop.class);

  /** No deadline: wait until woken. */
  public static final long NONE = Debouncer.NONE;

  /** The result given to {@code syncNow} callers when the manager stops before their cycle. */
  private static final CycleResult STOPPED = new CycleResult(CycleResult.Outcome.STOPPED, 0, 0, 0, 0, 0, Phase.IDLE,
      null, "the sync manager stopped", null, true, null, Duration.ZERO);

  private final CycleRunner runner;
  private final Debouncer debouncer;
  private final Scheduler scheduler;
  private final long pollNanos;
  private final Runnable wake;
  private final ReentrantLock gate = new ReentrantLock();
  private final ConcurrentLinkedQueue<CompletableFuture<CycleResult>> requests = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean kick = new AtomicBoolean();
  private final AtomicReference<LongPoller.@Nullable Result> longPollResult = new AtomicReference<>();
  private @Nullable LongPoller longPoller;
  private @Nullable LongPollPacing pacing;
  private final AtomicBoolean longPollOutstanding = new AtomicBoolean();
  private final Runnable lastRead;
  private volatile boolean stopping;
  private volatile boolean retryDue;
  /** A push is owed once the push side's backoff ends (a failure's retry, or writes that came meanwhile). */
  private boolean deferredPush;
  /** A pull is owed once the pull side's backoff ends. */
  private boolean deferredPull;
  private long nextPollAt;

  /**
   * @param wake wakes the sync thread (must not block); inputs call it after recording themselves
   */
  public SyncLoop(CycleRunner runner, Debouncer debouncer, Scheduler scheduler, long pollNanos, Runnable wake) {
    this.runner = runner;
    this.debouncer = debouncer;
    this.scheduler = scheduler;
    this.pollNanos = pollNanos;
    this.wake = wake;
    this.lastRead = debouncer::endCycle;
    this.nextPollAt = scheduler.nanoTime() + pollNanos;
  }

  /** Uses {@code poller} for long-polls from now on, paced by {@code pacing}. */
  public void longPoller(LongPoller poller, LongPollPacing pacing) {
    this.longPoller = poller;
    this.pacing = pacing;
  }

  /** The lock a cycle holds while it runs. */
  public ReentrantLock gate() {
    return gate;
  }

  /** Asks for a cycle at the next step, whatever the debounce state. */
  public void kick() {
    kick.set(true);
    wake.run();
  }

  /** Queues an explicit cycle; {@code result} completes with its result. */
  public void request(CompletableFuture<CycleResult> result) {
    requests.add(result);
    wake.run();
    if (stopping) {
      drain();
    }
  }

  /**
   * Takes a long-poll result on the long-poll thread: applies it right there when no cycle is
   * running (one thread hand-over less between the server's answer and the page being visible) and
   * asks for the next long-poll; otherwise hands it to the sync thread, which applies it after the
   * cycle. Either way under the cycle gate, so pages and cycles never interleave.
   */
  public void deliver(LongPoller.Result result) {
    if (!stopping && gate.tryLock()) {
      try {
        handleLongPoll(result);
      } catch (Throwable e) {
        Crashes.rethrowIfFatal(e);
        LOG.error("applying a long-poll page failed unexpectedly; a retry follows", e);
        retryDue = true;
        wake.run();
      } finally {
        gate.unlock();
        longPollOutstanding.set(false);
      }
      armLongPoll();
      return;
    }
    longPollResult.set(result);
    wake.run();
  }

  /** From now on steps do nothing; queued requests complete with {@code stopped}. */
  public void stop() {
    stopping = true;
    wake.run();
  }

  public boolean stopping() {
    return stopping;
  }

  /**
   * Does whatever is due now: applies a long-poll result, runs at most one cycle, arms the
   * long-poll.
   *
   * @return the scheduler time at which to step again if nothing wakes the loop before ({@link
   *     #NONE}: only a wake-up), or a time not after now to step again at once
   */
  public long step() {
    if (stopping) {
      drain();
      return NONE;
    }
    LongPoller.Result lp = longPollResult.getAndSet(null);
    if (lp != null) {
      gate.lock();
      try {
        handleLongPoll(lp);
      } finally {
        gate.unlock();
        longPollOutstanding.set(false);
      }
      // Re-armed before deciding on a cycle, so a cycle for local notifies can count on it.
      armLongPoll();
    }
    if (retryDue) {
      // Only pulls fail outside a cycle (the long-poll, its page): the pull side's retry.
      retryDue = false;
      deferredPull = true;
    }
    long now = scheduler.nanoTime();
    List<CompletableFuture<CycleResult>> forced = new ArrayList<>(0);
    for (CompletableFuture<CycleResult> f; (f = requests.poll()) != null; ) {
      forced.add(f);
    }
    boolean kicked = kick.getAndSet(false);
    long dirtyDue = debouncer.dueAt(now);
    boolean dirtyNow = dirtyDue != NONE && dirtyDue - now <= 0;
    boolean pollNow = now - nextPollAt >= 0;
    // Push and pull back off on their own: whichever is due and not backing off runs.
    boolean pushDue = kicked || dirtyNow || pollNow || deferredPush;
    boolean pullDue = kicked || pollNow || deferredPull;
    boolean runPush = pushDue && !runner.pushBackingOff(now);
    boolean runPull = pullDue && !runner.pullBackingOff(now);
    if (!forced.isEmpty() || runPush || runPull) {
      boolean onlyNotified = forced.isEmpty() && !kicked && !pollNow && !deferredPush && !deferredPull;
      CycleResult r;
      boolean pullWanted = !(onlyNotified && longPollOutstanding.get());
      try {
        r = runCycle(!forced.isEmpty(), pullWanted);
      } catch (Throwable e) {
        // The cycle contains everything but a fatal VM error; its callers must not wait forever.
        forced.forEach(f -> f.completeExceptionally(e));
        throw e;
      }
      for (CompletableFuture<CycleResult> f : forced) {
        f.complete(r);
      }
      // A side backing off now (it failed) or that sat this cycle out for its backoff retries when
      // that ends (at once if it ended while the cycle ran), also one an explicit cycle could not
      // replace (the server's Retry-After held it back); a side that ran and succeeded waits for a
      // new trigger.
      long after = scheduler.nanoTime();
      deferredPush = runner.pushBackingOff(after) || runner.pushOwed();
      // A failed push ends its cycle before the pull: the pull side, not failing, runs it at once.
      deferredPull = runner.pullBackingOff(after) || runner.pullOwed() || pullWanted && runner.pulls()
          && r.outcome() == CycleResult.Outcome.FAILED && r.pullSkipped();
      nextPollAt = after + pollNanos;
    } else {
      // Whatever came due during its side's backoff runs once that ends (notifies stay in the debouncer).
      deferredPush |= pushDue;
      deferredPull |= pullDue;
    }
    armLongPoll();
    return nextDeadline();
  }

  /** Runs one cycle now on the calling thread, under the gate (also for {@code runOnce}). */
  public CycleResult runCycle(boolean force, boolean pullWanted) {
    gate.lock();
    try {
      debouncer.beginCycle();
      try {
        return runner.run(force, pullWanted, lastRead);
      } finally {
        debouncer.endCycle();
      }
    } finally {
      gate.unlock();
    }
  }

  /** Completes queued {@code syncNow} requests with a {@code stopped} result. */
  public void drain() {
    for (CompletableFuture<CycleResult> f; (f = requests.poll()) != null; ) {
      f.complete(STOPPED);
    }
  }

  /**
   * Applies or records a long-poll result; the caller holds the gate, and clears the outstanding
   * flag only afterwards: until then a cycle triggered by notifies may still count on this
   * long-poll (it ends with a re-arm at the new cursor, a kick, or a scheduled retry), so it need
   * not pull.
   */
  private void handleLongPoll(LongPoller.Result lp) {
    Throwable error = lp.error();
    LongPollPacing p = pacing;
    if (error != null) {
      if (stopping) {
        return;
      }
      if (p != null && error instanceof TransportException t && t.kind() == TransportException.Kind.RATE_LIMITED) {
        // The server has no room for another waiting pull: not a failure, try again later (the
        // sync thread is woken to set its deadline to the end of the hold-back).
        p.refused(lp.answeredAtNanos(), t.retryAfter().orElse(null));
        wake.run();
        return;
      }
      runner.longPollFailed(error);
      retryDue = true;
      wake.run();
      return;
    }
    PullResponse page = lp.page();
    if (p != null && page != null) {
      p.answered(lp.answeredAtNanos(), lp.elapsedNanos(), page.mutations().isEmpty());
      if (p.heldBack(scheduler.nanoTime())) {
        wake.run();
      }
    }
    if (page != null) {
      CycleRunner.LongPollApplied applied = runner.applyLongPoll(lp.since(), page);
      if (applied == CycleRunner.LongPollApplied.MORE) {
        kick();
      } else if (applied == CycleRunner.LongPollApplied.FAILED) {
        retryDue = true;
        wake.run();
      }
    }
  }

  /** Issues the next long-poll if none is outstanding and the manager is in a state to want one. */
  private void armLongPoll() {
    LongPoller poller = longPoller;
    long now = scheduler.nanoTime();
    if (poller == null || stopping || kick.get() || retryDue || !runner.longPollReady() || runner.pullBackingOff(now)
        || longPollHeldBack(now)) {
      return;
    }
    if (longPollOutstanding.compareAndSet(false, true)) {
      poller.request(runner.cursor());
    }
  }

  private long nextDeadline() {
    long now = scheduler.nanoTime();
    if (kick.get() || retryDue || !requests.isEmpty() || longPollResult.get() != null) {
      return now;
    }
    boolean pushOff = runner.pushBackingOff(now);
    boolean pullOff = runner.pullBackingOff(now);
    long pushEnd = runner.pushBackoffUntilNanos();
    long pullEnd = runner.pullBackoffUntilNanos();
    // The poll needs one side free: while both back off, it waits for the first to end.
    long next = runner.inBackoff(now) ? later(nextPollAt, pullOff ? earlier(pushEnd, pullEnd) : pushEnd) : nextPollAt;
    if (deferredPush) {
      next = earlier(next, pushOff ? pushEnd : now);
    }
    if (deferredPull) {
      next = earlier(next, pullOff ? pullEnd : now);
    }
    long dirtyDue = debouncer.dueAt(now);
    if (dirtyDue != NONE) {
      next = earlier(next, pushOff ? later(dirtyDue, pushEnd) : dirtyDue);
    }
    LongPollPacing p = pacing;
    if (p != null && !pullOff && p.heldBack(now) && !longPollOutstanding.get() && runner.longPollReady()) {
      // Wake up to issue the long-poll when its hold-back ends.
      next = earlier(next, p.notBeforeNanos());
    }
    return next;
  }

  private boolean longPollHeldBack(long now) {
    LongPollPacing p = pacing;
    return p != null && p.heldBack(now);
  }

  private static long earlier(long a, long b) {
    return a - b <= 0 ? a : b;
  }

  private static long later(long a, long b) {
    return a - b >= 0 ? a : b;
  }

}
