package dev.ferry.core.internal;

import dev.ferry.core.SyncConfig;
import dev.ferry.core.SyncStatus;
import dev.ferry.store.MutationApplier;
import dev.ferry.store.StoreStatus;
import dev.ferry.store.SyncStore;
import dev.ferry.transport.SyncTransport;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parts of one sync manager, wired together: what {@code SyncManager} starts, stops and
 * delegates to. Tests build one on a manual scheduler and step its {@link #loop()} by hand instead
 * of starting the sync thread.
 */
public final class Engine {

  private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

  private final SyncStore store;
  private final String target;
  private final Scheduler scheduler;
  private final Scheduler leaseScheduler;
  private final ListenerDispatcher dispatcher;
  private final StatusTracker tracker;
  private final Pauses pauses;
  private final LeaseKeeper keeper;
  private final CallGuard calls = new CallGuard();
  private final PushStep push;
  private final CycleRunner runner;
  private final Debouncer debouncer;
  private final SyncLoop loop;
  private final Worker worker;
  private final @Nullable LongPoller longPoller;
  private final @Nullable ChangeWatcher watcher;
  private volatile boolean live;
  private boolean restored;

  /** An engine whose timers, lease renewal included, all run on {@code scheduler} (tests). */
  public Engine(SyncStore store, SyncTransport transport, MutationApplier applier, SyncConfig config,
      Scheduler scheduler, String owner) {
    this(store, transport, applier, config, scheduler, scheduler, owner);
  }

  /**
   * @param scheduler time, the change check and the sync thread's wake-ups
   * @param leaseScheduler lease renewal and take-over: a thread of its own in production, so no other
   *     timer work (a change check stuck on a busy database, say) can delay a renewal
   */
  public Engine(SyncStore store, SyncTransport transport, MutationApplier applier, SyncConfig config,
      Scheduler scheduler, Scheduler leaseScheduler, String owner) {
    this.store = store;
    this.target = config.target();
    this.scheduler = scheduler;
    this.leaseScheduler = leaseScheduler;
    this.dispatcher = new ListenerDispatcher(this::status, "ferry-listeners-" + target);
    this.tracker = new StatusTracker(dispatcher);
    this.pauses = new Pauses(store, target);
    this.keeper = new LeaseKeeper(store, target, owner, config.leaseTtl(), leaseScheduler, applier);
    this.push = new PushStep(store, transport, target, config.pushBatchSize(), calls);
    this.runner = new CycleRunner(store, config, keeper, tracker,
        new Backoff(config.backoffBase(), config.backoffMax(), config.backoffJitter(),
            config.maxConsecutiveFailures(), config.random()),
        calls, push,
        new PullStep(transport, config.pullPageSize(), calls),
        pauses, scheduler);
    Worker[] workerRef = new Worker[1];
    Runnable wake = () -> {
      Worker w = workerRef[0];
      if (w != null) {
        w.wake();
      }
    };
    this.debouncer = new Debouncer(scheduler::nanoTime, wake, config.minPushInterval());
    this.loop = new SyncLoop(runner, debouncer, scheduler, config.pollInterval().toNanos(), wake);
    this.worker = new Worker(loop, scheduler, "ferry-sync-" + target);
    workerRef[0] = worker;
    if (config.longPoll()) {
      this.longPoller = new LongPoller(transport, config.pullPageSize(), config.longPollWait(), loop::deliver,
          () -> !pauses.any(), scheduler::nanoTime, "ferry-longpoll-" + target);
      loop.longPoller(longPoller, new LongPollPacing(config.longPollWait(), config.pollInterval()));
    } else {
      this.longPoller = null;
    }
    this.watcher = config.changeCheckInterval().isZero() ? null
        : new ChangeWatcher(store, target, scheduler, config.changeCheckInterval(), debouncer::notifyDirty,
            reasons -> pausesChanged(), pauses, keeper);
    keeper.callbacks(loop::kick, this::leaseLostOnTimer);
    keeper.onHeldElsewhere(v -> runner.leaseHeldElsewhere(v.owner()));
  }

  /** Loads the persisted state once (failures, backoff, pauses) and marks the status live. */
  public synchronized void restore() {
    if (!restored) {
      runner.restore(store.targets().state(target), pauses.refresh());
      restored = true;
    }
    live = true;
  }

  /** Starts the timers (lease, change watcher) and the long-poll thread, but not the sync thread. */
  public void startTimers() {
    if (longPoller != null) {
      longPoller.start();
    }
    keeper.startTimer();
    if (watcher != null) {
      watcher.start();
    }
  }

  /** Starts the sync thread. */
  public void startWorker() {
    worker.start();
  }

  /** Stops the timers and cancels transport calls; threads end on their own. */
  public void stopAll() {
    loop.stop();
    calls.cancel();
    push.shutdown();
    keeper.stopTimer();
    if (watcher != null) {
      watcher.stop();
    }
    if (longPoller != null) {
      longPoller.stop();
    }
  }

  /**
   * Everything {@code SyncManager.stop()} does after its state changed, within {@code timeout}:
   * stops the timers and cancels calls, releases the lease on a thread of its own while the threads
   * wind down (their later writes are fenced off, and another process need not wait for them to take
   * over), waits for the threads (the ack thread included) and the release up to the deadline,
   * completes waiting requests, and from then on reports the status from the file alone.
   *
   * @param threadsStarted whether the sync and long-poll threads were started
   */
  public void shutdown(Duration timeout, boolean threadsStarted) {
    long deadline = System.nanoTime() + timeout.toNanos();
    stopAll();
    CompletableFuture<Boolean> released = keeper.close();
    if (threadsStarted) {
      awaitThreads(deadline, timeout);
    }
    awaitAckThread(deadline);
    loop.drain();
    awaitRelease(released, deadline);
    live = false;
    tracker.stopped();
    dispatcher.shutdown(Math.max(0, deadline - System.nanoTime()));
    shutdownTimers();
  }

  private void awaitThreads(long deadline, Duration timeout) {
    try {
      if (!worker.is(Thread.currentThread()) && !worker.join(deadline - System.nanoTime())) {
        LOG.warn("the sync thread of target {} is still busy after {}; its writes are fenced off", target, timeout);
      }
      if (longPoller != null && !longPoller.join(deadline - System.nanoTime())) {
        LOG.warn("the long-poll thread of target {} did not end in time", target);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The ack thread (also {@code runOnce}'s) ends once its writes in flight did; they are fenced. */
  private void awaitAckThread(long deadline) {
    try {
      push.awaitShutdown(deadline - System.nanoTime());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void awaitRelease(CompletableFuture<Boolean> released, long deadline) {
    try {
      released.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      LOG.warn("the lease of target {} is released as soon as the database lets it (it is busy); stop returns now",
          target);
    } catch (ExecutionException e) {
      LOG.warn("could not release the lease of target {}; it lapses after its TTL: {}", target,
          String.valueOf(e.getCause()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The full status now: the store's counts with the live phase while live. */
  public SyncStatus status() {
    return status(tracker.live());
  }

  private SyncStatus status(LiveState liveState) {
    StoreStatus file = store.status(target);
    return live ? StatusAssembler.fromLive(file, liveState, keeper.owner()) : StatusAssembler.fromFile(file);
  }

  /**
   * The pause reasons changed: the manager's own pause or resume, or another process's (seen by the
   * change watcher). Paused, the long-poll in flight is called off; resumed, a cycle runs at once.
   * The status follows the reasons as they are now, not as the caller read them, so two changes
   * cannot leave it showing the older one.
   */
  public void pausesChanged() {
    boolean[] resumed = new boolean[1];
    pauses.withCurrent(now -> {
      if (now.isEmpty()) {
        tracker.resumed();
        resumed[0] = true;
      } else {
        tracker.paused(now);
      }
    });
    if (resumed[0]) {
      loop.kick();
    } else if (longPoller != null) {
      longPoller.abort();
    }
  }

  private void leaseLostOnTimer() {
    tracker.leaseLost("the lease of target " + target + " was taken over by " + keeper.view().owner());
    loop.kick();
  }

  public Scheduler scheduler() {
    return scheduler;
  }

  /** Cancels every timer, the lease's included. */
  public void shutdownTimers() {
    scheduler.shutdown();
    leaseScheduler.shutdown();
  }

  public ListenerDispatcher dispatcher() {
    return dispatcher;
  }

  public StatusTracker tracker() {
    return tracker;
  }

  public Pauses pauses() {
    return pauses;
  }

  public LeaseKeeper keeper() {
    return keeper;
  }

  public CycleRunner runner() {
    return runner;
  }

  public Debouncer debouncer() {
    return debouncer;
  }

  public SyncLoop loop() {
    return loop;
  }

  public Worker worker() {
    return worker;
  }

  public @Nullable LongPoller longPoller() {
    return longPoller;
  }

  public @Nullable ChangeWatcher watcher() {
    return watcher;
  }
}
