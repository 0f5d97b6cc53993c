package dev.ferry.core;

import dev.ferry.core.internal.Engine;
import dev.ferry.core.internal.Scheduler;
import dev.ferry.core.internal.SystemScheduler;
import dev.ferry.store.LeaseStore;
import dev.ferry.store.MutationApplier;
import dev.ferry.store.SyncStore;
import dev.ferry.transport.SyncTransport;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replicates one target of a {@link SyncStore} with a sync server: pushes the outbox, pulls the
 * server's mutations into a {@link MutationApplier}, and reports what it does as a {@link
 * SyncStatus}. Only the process holding the target's lease talks to the server; the others wait
 * (phase {@code idle}, reason {@code lease_held_elsewhere}) and take over when the holder stops or
 * dies.
 *
 * <pre>{@code
 * SyncManager sync = SyncManager.create(store, transport, new DocumentApplier(), SyncConfig.defaults());
 * sync.start();
 * store.jdbi().useTransaction(h -> store.outbox().record(h, draft));
 * sync.notifyDirty();                  // after the commit
 * String json = sync.statusJson();     // show it to users
 * sync.close();                        // releases the lease
 * }</pre>
 *
 * <p><b>Threads.</b> A started manager runs cycles on one sync thread; a long-poll thread keeps one
 * pull waiting on the server so remote writes arrive within milliseconds while the sync thread
 * stays free to push; a lease thread renews the lease every TTL/3 (also during long cycles and
 * while paused), on its own so no other timer work can delay a renewal; a timer thread checks the
 * file for other processes' writes and wakes the sync thread at its deadlines; a listener thread
 * exists while there are listeners and changes to deliver; while a push of several batches runs,
 * an ack thread writes one batch's acks while the next batch is sent (it exits when idle). Idle,
 * all of them are parked. The applier runs on the sync thread, on the ack thread (a held-back
 * remote write that an ack frees) or, for a long-poll page that arrives while no cycle runs, on
 * the long-poll thread; never on two threads at once.
 *
 * <p><b>Owning.</b> The manager does not close the store or the transport; close them after the
 * manager. It cancels its own HTTP calls on {@link #stop()} by interrupting the threads that make
 * them ({@code HttpSyncTransport} answers an interrupt with an immediate {@code CANCELLED}).
 *
 * <p><b>Applier binding.</b> A target records the applier it first pulled with. When the manager
 * is given a different one and pulls are on, {@link #create} refuses with {@link
 * SyncException.Kind#APPLIER_MISMATCH}: pulling would advance the cursor past mutations the new
 * applier never saw. Push only ({@link SyncConfig.Builder#pull(boolean) pull(false)}) or rebind on
 * purpose ({@code store.targets().bindApplier}).
 *
 * <p>Thread-safe. A stopped manager cannot be started again.
 */
public final class SyncManager implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SyncManager.class);

  private enum State {
    NEW,
    RUNNING,
    STOPPED
  }

  private final SyncStore store;
  private final SyncConfig config;
  private final String target;
  private final Engine engine;
  private final Object lifecycle = new Object();
  private volatile State state = State.NEW;

  private SyncManager(SyncStore store, SyncTransport transport, MutationApplier applier, SyncConfig config,
      Scheduler scheduler, Scheduler leaseScheduler) {
    this.store = store;
    this.config = config;
    this.target = config.target();
    checkApplier(store, applier, config);
    // A fixed name gets a unique suffix: two processes sharing one owner could both hold the lease.
    String owner = config.owner().map(LeaseStore::uniqueOwner).orElseGet(LeaseStore::defaultOwner);
    this.engine = new Engine(store, transport, applier, config, scheduler, leaseScheduler, owner);
  }

  /**
   * A manager for {@code config.target()} of {@code store}; nothing runs until {@link #start()} or
   * {@link #runOnce()}.
   *
   * @throws SyncException {@code APPLIER_MISMATCH} when pulls are on and the target was set up with
   *     another applier (see the class comment)
   * @throws dev.ferry.store.StoreException when the store cannot be read
   */
  public static SyncManager create(SyncStore store, SyncTransport transport, MutationApplier applier,
      SyncConfig config) {
    Objects.requireNonNull(config, "config must not be null");
    checkArguments(store, transport, applier);
    // The lease has a timer thread of its own: no other timer work can delay a renewal.
    return new SyncManager(store, transport, applier, config, new SystemScheduler("ferry-timer-" + config.target()),
        new SystemScheduler("ferry-lease-" + config.target()));
  }

  /** Like {@link #create(SyncStore, SyncTransport, MutationApplier, SyncConfig)} on the given timers, for tests. */
  static SyncManager create(SyncStore store, SyncTransport transport, MutationApplier applier, SyncConfig config,
      Scheduler scheduler) {
    checkArguments(store, transport, applier);
    Objects.requireNonNull(config, "config must not be null");
    Objects.requireNonNull(scheduler, "scheduler must not be null");
    return new SyncManager(store, transport, applier, config, scheduler, scheduler);
  }

  private static void checkArguments(SyncStore store, SyncTransport transport, MutationApplier applier) {
    Objects.requireNonNull(store, "store must not be null");
    Objects.requireNonNull(transport, "transport must not be null");
    Objects.requireNonNull(applier, "applier must not be null");
  }

  private static void checkApplier(SyncStore store, MutationApplier applier, SyncConfig config) {
    if (!config.pull()) {
      return;
    }
    Optional<String> bound = store.targets().applierId(config.target());
    if (bound.isPresent() && !bound.get().equals(applier.id())) {
      throw new SyncException(SyncException.Kind.APPLIER_MISMATCH,
          "target " + config.target() + " was set up with applier '" + bound.get() + "' but this manager was given '"
              + applier.id() + "'; pulling with it would move the cursor past mutations that applier never saw."
              + " Push only with SyncConfig.pull(false), or rebind on purpose with store.targets().bindApplier(\""
              + config.target() + "\", \"" + applier.id() + "\")");
    }
  }

  /**
   * Starts the sync threads and runs a first cycle at once (or when a persisted backoff ends). A
   * no-op when already running.
   *
   * @throws SyncException {@code STOPPED} after {@link #stop()}
   * @throws dev.ferry.store.StoreException when the store cannot be read; nothing was started
   */
  public void start() {
    synchronized (lifecycle) {
      if (state == State.RUNNING) {
        return;
      }
      if (state == State.STOPPED) {
        throw new SyncException(SyncException.Kind.STOPPED, "this sync manager was stopped; create a new one");
      }
      engine.restore();
      state = State.RUNNING;
      engine.startWorker();
      engine.startTimers();
      engine.loop().kick();
      LOG.info("sync of target {} started as lease owner {}", target, engine.keeper().owner());
    }
  }

  /**
   * Stops within {@link SyncConfig#stopTimeout()} (2 s by default), whatever the manager is doing:
   * cancels the HTTP calls in flight (a long-poll included), releases the lease so another process
   * can take over at once, waits for the sync threads and the release up to the timeout, and
   * completes waiting {@link #syncNow()} futures with {@link CycleResult.Outcome#STOPPED}. When the
   * host's applier is still busy, or the database is locked by someone else, it returns anyway:
   * the release then happens on a thread of its own as soon as the file lets it, and the busy
   * thread's later writes are refused by the fence. No lock is held across lease I/O, so neither a
   * renewal waiting for a busy database nor a cycle holding the cycle lock delays it. Safe before
   * {@link #start()}; idempotent.
   */
  public void stop() {
    synchronized (lifecycle) {
      if (state == State.STOPPED) {
        return;
      }
      boolean wasRunning = state == State.RUNNING;
      state = State.STOPPED;
      engine.shutdown(config.stopTimeout(), wasRunning);
      if (wasRunning) {
        LOG.info("sync of target {} stopped", target);
      }
    }
  }

  /** {@link #stop()}. */
  @Override
  public void close() {
    stop();
  }

  /**
   * Tells the manager that mutations were committed to the outbox. Call it after the host's commit,
   * from any thread, as often as you like: it never blocks, allocates nothing, and coalesces. Idle,
   * the first notify starts a cycle at once; notifies while a push is in flight are pushed together
   * by the next cycle, right after it returns (or once {@link SyncConfig#minPushInterval()} has
   * passed, if set).
   */
  public void notifyDirty() {
    engine.debouncer().notifyDirty();
  }

  /**
   * Runs a cycle as soon as possible, even during a backoff (an explicit request; a pause still
   * skips it), and completes with its result. Only a server's {@code Retry-After} from the last
   * failure is honoured: until it has passed the future completes at once with {@link
   * CycleResult.Outcome#BACKING_OFF} (and its {@code backoffUntil}), nothing is sent, and the
   * scheduled retry stays as it was. Before {@link #start()} it runs the cycle on the
   * calling thread ({@link #runOnce()}) and returns a completed future; after {@link #stop()} the
   * future holds {@link CycleResult.Outcome#STOPPED}.
   */
  public CompletableFuture<CycleResult> syncNow() {
    State s = state;
    if (s == State.NEW) {
      try {
        return CompletableFuture.completedFuture(runOnce());
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    }
    CompletableFuture<CycleResult> result = new CompletableFuture<>();
    engine.loop().request(result);
    return result;
  }

  /**
   * Runs one cycle on the calling thread without starting any thread: takes (or renews) the lease,
   * pushes, pulls (unless pulls are off) and returns the result; for a command such as {@code ferry
   * sync}. The lease stays held until {@link #close()}. On a started manager it waits for {@link
   * #syncNow()}.
   *
   * @throws SyncException {@code STOPPED} after {@link #stop()}
   */
  public CycleResult runOnce() {
    State s;
    synchronized (lifecycle) {
      s = state;
      if (s == State.NEW) {
        engine.restore();
      }
    }
    if (s == State.RUNNING) {
      return syncNow().join();
    }
    if (s == State.STOPPED) {
      throw new SyncException(SyncException.Kind.STOPPED, "this sync manager was stopped");
    }
    return engine.loop().runCycle(true, true);
  }

  /**
   * Pauses sync with a named, persisted reason (it survives restarts): waits for a cycle in flight
   * to finish its current batch or page and calls off the long-poll in flight, then pushes and
   * pulls nothing until every reason is gone: once it returns, no push or pull starts.
   * The lease is kept and renewed meanwhile, so no other process takes over. Phase {@code
   * disabled}, reason {@code paused}.
   *
   * @param reason non-blank, at most 200 chars
   * @return whether the reason was new
   * @throws SyncException {@code CYCLE_STILL_RUNNING} when a cycle did not finish within {@link
   *     SyncConfig#pauseWaitTimeout()}; the reason stays set
   */
  public boolean pause(String reason) {
    boolean added = store.targets().addPauseReason(target, reason);
    engine.pauses().refresh();
    try {
      awaitNoCycle(reason);
    } finally {
      engine.pausesChanged();
    }
    return added;
  }

  /**
   * Removes a pause reason; when none is left the phase returns to {@code idle} and a cycle runs at
   * once. A no-op (returning false) when the reason was not set.
   *
   * @return whether the reason was set
   */
  public boolean resume(String reason) {
    boolean removed = store.targets().removePauseReason(target, reason);
    engine.pauses().refresh();
    if (!removed) {
      return false;
    }
    engine.pausesChanged();
    return true;
  }

  /**
   * Pauses sync for a schema upgrade of {@code project}: pause reason {@code upgrade:<project>}
   * (see {@link #pause(String)}: waits for a cycle in flight, keeps renewing the lease).
   *
   * @return whether the pause was new (false: already paused for this upgrade, nothing to do)
   */
  public boolean stopForUpgrade(String project) {
    return pause(upgradeReason(project));
  }

  /**
   * Ends the upgrade pause of {@code project}; with no reasons left a cycle runs at once.
   *
   * @return whether the pause was set (false: nothing to do)
   */
  public boolean resumeAfterUpgrade(String project) {
    return resume(upgradeReason(project));
  }

  private static String upgradeReason(String project) {
    Objects.requireNonNull(project, "project must not be null");
    if (project.isBlank()) {
      throw new IllegalArgumentException("project must not be blank");
    }
    return "upgrade:" + project;
  }

  private void awaitNoCycle(String reason) {
    ReentrantLock gate = engine.loop().gate();
    try {
      if (!gate.tryLock(config.pauseWaitTimeout().toNanos(), TimeUnit.NANOSECONDS)) {
        throw new SyncException(SyncException.Kind.CYCLE_STILL_RUNNING,
            "a sync cycle of target " + target + " is still running after " + config.pauseWaitTimeout()
                + "; pause reason '" + reason + "' is set and the cycle stops at its next batch or page");
      }
      gate.unlock();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SyncException(SyncException.Kind.CYCLE_STILL_RUNNING,
          "interrupted while waiting for a sync cycle of target " + target + "; pause reason '" + reason + "' is set");
    }
  }

  /**
   * The current status: counts from the store, read now, and, while the manager runs (or after
   * {@link #runOnce()}), its own phase and reason. A manager waiting for a lease another process
   * holds reads {@code idle}/{@code lease_held_elsewhere} with that holder as the file names it
   * now, and no failures or backoff of its own: those belong to the holder (the target's history —
   * totals, recent errors, last sync — comes from the file as always).
   *
   * @throws dev.ferry.store.StoreException when the store cannot be read
   */
  public SyncStatus status() {
    return engine.status();
  }

  /** {@link #status()} as JSON ({@link SyncStatus#toJson()}). */
  public String statusJson() {
    return status().toJson();
  }

  /** Adds a listener told about every status change (see {@link SyncListener}). */
  public void addListener(SyncListener listener) {
    engine.dispatcher().add(Objects.requireNonNull(listener, "listener must not be null"));
  }

  /** Removes a listener added before. */
  public void removeListener(SyncListener listener) {
    engine.dispatcher().remove(Objects.requireNonNull(listener, "listener must not be null"));
  }

  /** The configuration. */
  public SyncConfig config() {
    return config;
  }

  /** The lease owner name this manager uses (shown in status). */
  public String owner() {
    return engine.keeper().owner();
  }

  /** Whether {@link #start()} was called and {@link #stop()} was not. */
  public boolean isRunning() {
    return state == State.RUNNING;
  }
}
