package dev.ferry.core.internal;

import dev.ferry.store.FencedWriter;
import dev.ferry.store.LeaseInfo;
import dev.ferry.store.MutationApplier;
import dev.ferry.store.SyncStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds (or waits for) a target's lease for one manager.
 *
 * <p>A timer renews the lease every TTL/3 while held — independently of the sync thread, so the
 * lease survives a long cycle, a slow HTTP call and a pause. While another process holds it, the
 * same timer tries to take it over every TTL/3, and sooner when the holder's lease is about to
 * expire, so a dead holder's lease changes hands right after it lapses; {@link #onExternalChange()}
 * lets the change watcher take over at once when the holder released it. The cycle calls {@link
 * #ensure()}, which touches the database only when the last renewal is older than TTL/3.
 *
 * <p>A holder also holds the lease's OS file lock (see {@link dev.ferry.store.LeaseStore}), which the
 * kernel drops when its process dies. While another process holds the lease, the timer checks that
 * lock every {@value #PROBE_MILLIS} ms without touching the database, and takes the lease over as
 * soon as it is free: a {@code kill -9}ed holder is replaced within a fraction of a second instead
 * of after its TTL. A holder found to be without the lock (an older Ferry, say) is not checked
 * again until the lease changes hands.
 *
 * <p>Losing or gaining the lease on the timer, and a new holder while waiting, are reported through
 * callbacks (the cycle learns it from {@link #ensure()}). The epoch of a lease
 * rises only when the owner changes; {@link #rotateOwner()} changes this manager's owner name so
 * that its next lease gets a higher epoch (needed when the server has seen a newer epoch than the
 * file knows, e.g. after a backup of the file was restored). Thread-safe.
 */
public final class LeaseKeeper {

  private static final Logger LOG = LoggerFactory.getLogger(LeaseKeeper.class);
  private static final long MIN_RETRY_NANOS = Duration.ofMillis(5).toNanos();
  private static final long RETRY_AFTER_FAILURE_NANOS = Duration.ofSeconds(1).toNanos();
  /** How often a waiting manager checks whether the holder's file lock is free. */
  static final long PROBE_MILLIS = 100;
  private static final long PROBE_NANOS = Duration.ofMillis(PROBE_MILLIS).toNanos();

  /**
   * The lease as this manager last saw it.
   *
   * @param lease the row, or null before the first look
   * @param mine whether this manager held it then
   * @param checkedAtNanos scheduler time of the look
   */
  public record View(@Nullable LeaseInfo lease, boolean mine, long checkedAtNanos) {

    /** The holder's owner name, or null when unknown. */
    public @Nullable String owner() {
      return lease == null ? null : lease.owner();
    }
  }

  private final SyncStore store;
  private final String target;
  private final String baseOwner;
  private final Duration ttl;
  private final long renewNanos;
  private final Scheduler scheduler;
  private final Clock clock;
  private final MutationApplier applier;
  /** Guards the timer fields; never held across database work. */
  private final Object lock = new Object();
  /** Serializes this manager's lease reads and writes, so a release is never followed by a renewal. */
  private final ReentrantLock io = new ReentrantLock();
  private volatile String owner;
  private volatile View view;
  private int generation;
  private @Nullable FencedWriter writer;
  private volatile Runnable onAcquired = () -> {};
  private volatile Runnable onLost = () -> {};
  private volatile Consumer<View> onHeldElsewhere = v -> {};
  private volatile boolean timerOn;
  private volatile boolean closed;
  private Scheduler.@Nullable Cancellable timer;
  /** Timer thread only: the lease (owner and epoch) whose holder was found without the file lock. */
  private @Nullable String probeUselessFor;

  public LeaseKeeper(SyncStore store, String target, String owner, Duration ttl, Scheduler scheduler,
      MutationApplier applier) {
    this.store = store;
    this.target = target;
    this.baseOwner = owner;
    this.owner = owner;
    this.ttl = ttl;
    this.renewNanos = ttl.dividedBy(3).toNanos();
    this.scheduler = scheduler;
    this.clock = store.config().clock();
    this.applier = applier;
    this.view = new View(null, false, scheduler.nanoTime() - renewNanos - 1);
  }

  /** Called (on the timer thread) when this manager took the lease; and when it found it lost. */
  public void callbacks(Runnable acquired, Runnable lost) {
    this.onAcquired = acquired;
    this.onLost = lost;
  }

  /**
   * Called (on the timer thread) when, not holding the lease, this manager first sees it held by
   * another process, or by a different one than before.
   */
  public void onHeldElsewhere(Consumer<View> heldElsewhere) {
    this.onHeldElsewhere = heldElsewhere;
  }

  /** This manager's owner name. */
  public String owner() {
    return owner;
  }

  /** The lease as last seen, without touching the database. */
  public View view() {
    return view;
  }

  /**
   * The lease for a cycle without needless writes: the last view when it is less than TTL/3 old
   * and still valid — held by this manager, or by another one whose lease has not expired (the
   * timer keeps trying to take over, so a busy non-holder does not hammer the database) — and
   * otherwise the result of acquiring (or renewing) it now.
   *
   * @throws dev.ferry.store.StoreException when the database cannot be written
   */
  public View ensure() {
    View v = view;
    if (v.lease != null && scheduler.nanoTime() - v.checkedAtNanos < renewNanos
        && v.lease.expiresAtMillis() > clock.millis() && (v.mine || v.lease.held())) {
      return v;
    }
    return acquire();
  }

  /** The writer of the current fence; null unless this manager holds the lease. */
  public @Nullable FencedWriter writer() {
    synchronized (lock) {
      View v = view;
      if (!v.mine || v.lease == null) {
        return null;
      }
      if (writer == null || !writer.fence().equals(v.lease.fence())) {
        writer = store.fenced(v.lease.fence(), applier);
      }
      return writer;
    }
  }

  /**
   * Acquires or renews now. The caller learns the outcome from the result; no callback runs. After
   * {@link #close()} it touches nothing and reports the lease as not held.
   */
  public View acquire() {
    io.lock();
    try {
      if (closed) {
        View v = stale(view);
        view = v;
        return v;
      }
      String o = owner;
      LeaseInfo info = store.leases().acquire(target, o, ttl);
      View after = new View(info, info.isHeldBy(o), scheduler.nanoTime());
      view = after;
      return after;
    } finally {
      io.unlock();
    }
  }

  /** The lease was found lost (a fenced write was refused): the next {@link #ensure()} looks again. */
  public void markLost() {
    view = stale(view);
  }

  /** The view, no longer held, and old enough that {@link #ensure()} does not trust it. */
  private View stale(View v) {
    return new View(v.lease, false, scheduler.nanoTime() - renewNanos - 1);
  }

  /**
   * Moves the held lease's epoch past {@code seenEpoch}, the epoch the server has seen for this
   * replica, in one fenced statement ({@code LeaseStore.raiseEpoch}): a restored file hundreds of
   * epochs behind then pushes again at once instead of gaining one epoch per failed cycle.
   *
   * @return the writer of the raised fence; null when this manager does not hold the lease or its
   *     epoch is already above {@code seenEpoch}
   */
  public @Nullable FencedWriter raiseEpoch(long seenEpoch) {
    io.lock();
    try {
      View v = view;
      if (closed || !v.mine || v.lease == null || seenEpoch == Long.MAX_VALUE) {
        return null;
      }
      Optional<LeaseInfo> raised = store.leases().raiseEpoch(v.lease.fence(), seenEpoch);
      if (raised.isEmpty()) {
        return null;
      }
      view = new View(raised.get(), true, scheduler.nanoTime());
      LOG.info("lease epoch of target {} moved from {} to {}, past the epoch {} the server has seen", target,
          v.lease.epoch(), raised.get().epoch(), seenEpoch);
    } finally {
      io.unlock();
    }
    return writer();
  }

  /**
   * Changes the owner name (base name plus {@code #n}) after releasing the lease, so this manager's
   * next lease has a higher epoch than any it held.
   */
  public void rotateOwner() {
    io.lock();
    try {
      release();
      generation++;
      owner = baseOwner + "#" + generation;
      LOG.info("lease owner of target {} is now {} so that the next lease gets a new epoch", target, owner);
    } finally {
      io.unlock();
    }
  }

  /**
   * Gives the lease up if this manager holds it.
   *
   * @return whether it was held and is now released
   */
  public boolean release() {
    io.lock();
    try {
      View v = view;
      view = stale(v);
      if (!v.mine || v.lease == null) {
        return false;
      }
      return store.leases().release(v.lease.fence());
    } finally {
      io.unlock();
    }
  }

  /**
   * For good: stops the timer, never takes the lease again, and releases it on a daemon thread of
   * its own, so the caller can bound its wait. The release waits for whatever holds the file's
   * write lock — a page of the sync thread still being applied, another process's transaction —
   * and happens as soon as the file lets it, even after the caller stopped waiting.
   *
   * @return completes with whether a held lease was released, or exceptionally when it could not be
   */
  public CompletableFuture<Boolean> close() {
    closed = true;
    stopTimer();
    CompletableFuture<Boolean> done = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        done.complete(release());
      } catch (Throwable e) {
        done.completeExceptionally(e);
        Crashes.rethrowIfFatal(e);
      }
    }, "ferry-release-" + target);
    t.setDaemon(true);
    t.start();
    return done;
  }

  /** Starts the renewal and take-over timer; the first tick runs at once. */
  public void startTimer() {
    synchronized (lock) {
      timerOn = true;
      timer = scheduler.schedule(this::tick, 0);
    }
  }

  /** Stops the timer. */
  public void stopTimer() {
    synchronized (lock) {
      timerOn = false;
      if (timer != null) {
        timer.cancel();
        timer = null;
      }
    }
  }

  /**
   * Another connection changed the file: when this manager does not hold the lease and nobody
   * holds it now (the holder released it), take it over at once.
   */
  public void onExternalChange() {
    View before = view;
    if (before.mine || !timerOn) {
      return;
    }
    Optional<LeaseInfo> current = store.leases().current(target);
    if (current.isEmpty() || !current.get().held()) {
      tickNow();
    } else if (!current.get().owner().equals(before.owner()) && io.tryLock()) {
      // Another process took over from the holder: what the status shows must follow. Skipped when
      // this manager's own lease I/O is under way: it brings a fresher view anyway.
      View after = new View(current.get(), false, before.checkedAtNanos);
      boolean unchanged;
      try {
        unchanged = view == before;
        if (unchanged) {
          view = after;
        }
      } finally {
        io.unlock();
      }
      if (unchanged) {
        report(before, after);
      }
    }
  }

  private void tickNow() {
    synchronized (lock) {
      if (!timerOn) {
        return;
      }
      if (timer != null) {
        timer.cancel();
      }
      timer = scheduler.schedule(this::tick, 0);
    }
  }

  /**
   * One renewal or take-over attempt, then the next one scheduled whatever happened: a timer that
   * stopped rescheduling would let the lease lapse.
   */
  void tick() {
    // E.g. the database stayed busy: try again soon, well before the lease could lapse.
    long next = Math.min(renewNanos, RETRY_AFTER_FAILURE_NANOS);
    try {
      View before = view;
      boolean probed = false;
      if (probing(before)) {
        if (!store.leases().holderGone(target, owner)) {
          next = nextDelayNanos(before);
          return;
        }
        probed = true;
      }
      View after = acquire();
      if (probed && !after.mine) {
        // The lock was free but the holder never had it: it is not a liveness signal for this lease.
        probeUselessFor = leaseId(after);
      }
      next = nextDelayNanos(after);
      report(before, after);
    } catch (RuntimeException e) {
      LOG.warn("renewing the lease of target {} failed, will retry: {}", target, e.toString());
    } catch (Throwable e) {
      Crashes.rethrowIfFatal(e);
      LOG.error("the lease timer of target {} failed unexpectedly; it goes on", target, e);
    } finally {
      synchronized (lock) {
        if (timerOn) {
          timer = scheduler.schedule(this::tick, next);
        }
      }
    }
  }

  private long nextDelayNanos(View v) {
    if (v.mine || v.lease == null) {
      return renewNanos;
    }
    // Try right after the holder's lease would lapse, if that is sooner than TTL/3.
    long untilExpiry = Duration.ofMillis(v.lease.expiresAtMillis() - clock.millis() + 1).toNanos();
    long next = Math.max(MIN_RETRY_NANOS, Math.min(renewNanos, untilExpiry));
    return probeWorthIt(v) ? Math.min(next, PROBE_NANOS) : next;
  }

  /**
   * Whether this tick only checks the holder's file lock: another process holds an unexpired lease
   * and the last full attempt is less than TTL/3 old.
   */
  private boolean probing(View v) {
    return probeWorthIt(v) && v.lease.expiresAtMillis() > clock.millis()
        && scheduler.nanoTime() - v.checkedAtNanos < renewNanos;
  }

  private boolean probeWorthIt(View v) {
    return !v.mine && v.lease != null && v.lease.held() && !leaseId(v).equals(probeUselessFor);
  }

  private static String leaseId(View v) {
    return v.lease == null ? "" : v.lease.owner() + "@" + v.lease.epoch();
  }

  private void report(View before, View after) {
    if (!before.mine && after.mine) {
      onAcquired.run();
    } else if (before.mine && !after.mine) {
      onLost.run();
    } else if (heldByAnother(after) && (!heldByAnother(before) || !after.lease.owner().equals(before.owner()))) {
      onHeldElsewhere.accept(after);
    }
  }

  private static boolean heldByAnother(View v) {
    return !v.mine && v.lease != null && v.lease.held();
  }
}
