package dev.ferry.core.internal;

import dev.ferry.store.SyncStore;
import java.time.Duration;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices writes by other connections and processes to the file, on the manager's timer every
 * {@code changeCheckInterval}, for less than a millisecond of work when nothing changed: {@code
 * PRAGMA data_version} of the store's writer connection changes exactly when another connection
 * committed. Only then does it read the outbox's highest seq (a new mutation: notify, as if the
 * writer had called {@code notifyDirty()} here), the pause reasons (another process paused or
 * resumed the target) and, while another process holds the lease, whether it was released.
 * Thread-safe (one timer thread).
 */
public final class ChangeWatcher {

  private static final Logger LOG = LoggerFactory.getLogger(ChangeWatcher.class);

  private final SyncStore store;
  private final String target;
  private final Scheduler scheduler;
  private final long intervalNanos;
  private final Runnable onNewMutations;
  private final Consumer<Set<String>> onPauseChange;
  private final Pauses pauses;
  private final LeaseKeeper keeper;
  private long lastDataVersion = Long.MIN_VALUE;
  private long lastHighestSeq = -1;
  private volatile boolean running;
  private Scheduler.@Nullable Cancellable timer;

  public ChangeWatcher(SyncStore store, String target, Scheduler scheduler, Duration interval,
      Runnable onNewMutations, Consumer<Set<String>> onPauseChange, Pauses pauses, LeaseKeeper keeper) {
    this.store = store;
    this.target = target;
    this.scheduler = scheduler;
    this.intervalNanos = interval.toNanos();
    this.onNewMutations = onNewMutations;
    this.onPauseChange = onPauseChange;
    this.pauses = pauses;
    this.keeper = keeper;
  }

  /** Starts checking; the first check only takes the baseline. */
  public synchronized void start() {
    running = true;
    pauses.refresh();
    pauses.watched(true);
    timer = scheduler.schedule(this::tick, 0);
  }

  public synchronized void stop() {
    running = false;
    pauses.watched(false);
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
  }

  /** One check; the next one is scheduled whatever this one threw. */
  void tick() {
    try {
      check();
    } catch (RuntimeException e) {
      LOG.warn("checking target {} for other processes' writes failed: {}", target, e.toString());
    } catch (Throwable e) {
      Crashes.rethrowIfFatal(e);
      LOG.error("checking target {} for other processes' writes failed unexpectedly; the checks go on", target, e);
    } finally {
      synchronized (this) {
        if (running) {
          timer = scheduler.schedule(this::tick, intervalNanos);
        }
      }
    }
  }

  private void check() {
    long version = store.dataVersion();
    if (version == lastDataVersion) {
      return;
    }
    boolean baseline = lastDataVersion == Long.MIN_VALUE;
    lastDataVersion = version;
    // Pause reasons first: a cycle the new mutations trigger must already see a new pause.
    Set<String> reasons = pauses.refreshChanged();
    if (reasons != null) {
      onPauseChange.accept(reasons);
    }
    long highest = store.outbox().highestSeq();
    if (highest > lastHighestSeq) {
      lastHighestSeq = highest;
      if (!baseline) {
        onNewMutations.run();
      }
    }
    keeper.onExternalChange();
  }
}
