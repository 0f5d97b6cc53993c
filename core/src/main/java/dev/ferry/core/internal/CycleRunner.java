package dev.ferry.core.internal;

import dev.ferry.core.CycleResult;
import dev.ferry.core.CycleResult.Outcome;
import dev.ferry.core.Phase;
import dev.ferry.core.ReasonCode;
import dev.ferry.core.SyncConfig;
import dev.ferry.core.internal.CycleOutcomes.Stage;
import dev.ferry.store.FencedWriter;
import dev.ferry.store.LeaseInfo;
import dev.ferry.store.LeaseLostException;
import dev.ferry.store.LogReset;
import dev.ferry.store.StoreException;
import dev.ferry.store.SyncStore;
import dev.ferry.store.TargetState;
import dev.ferry.transport.TransportException;
import dev.ferry.transport.wire.PullResponse;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One sync cycle, run synchronously on the calling thread (DESIGN section 4): skip when paused or
 * backing off, make sure of the lease, push every pending batch, pull pages until caught up, then
 * record the outcome ({@link CycleOutcomes}). Every exception is contained here: classified
 * failures and anything unexpected alike end the cycle with a counted failure and a scheduled
 * retry; a lost lease ends it without counting as a failure and writes nothing more; a stop or a
 * pause ends it at the next batch or page.
 *
 * <p>Also applies the pages of the loop's long-poll, with the same failure handling.
 *
 * <p>Called under the loop's cycle gate only, one call at a time; the volatile fields are read by
 * other threads for status and scheduling.
 */
public final class CycleRunner {

  /** What became of a long-poll page. */
  public enum LongPollApplied {
    /** Applied (or empty); the cursor is caught up. */
    APPLIED,
    /** Applied, and the server has more right now: run a pulling cycle. */
    MORE,
    /** Not applied: paused, stopping or not holding the lease; a later cycle pulls it again. */
    DROPPED,
    /** Applying it failed; counted as a failure, a retry is scheduled. */
    FAILED
  }

  private static final Logger LOG = LoggerFactory.getLogger(CycleRunner.class);

  private final SyncStore store;
  private final SyncConfig config;
  private final LeaseKeeper keeper;
  private final StatusTracker tracker;
  private final CallGuard calls;
  private final PushStep push;
  private final PullStep pull;
  private final Pauses pauses;
  private final Scheduler scheduler;
  private final CycleOutcomes outcomes;
  private final String target;
  private final Runnable checkpoint = this::checkpoint;
  private final Pruner pruner;
  private volatile long cursor;
  /** The log id the cursor counts in, as last read; null when unknown. */
  private volatile @Nullable String logId;
  /** The sides the last cycle sat out for their backoff: owed once it ends. */
  private volatile boolean pushOwed;
  private volatile boolean pullOwed;

  public CycleRunner(SyncStore store, SyncConfig config, LeaseKeeper keeper, StatusTracker tracker, Backoff backoff,
      CallGuard calls, PushStep push, PullStep pull, Pauses pauses, Scheduler scheduler) {
    this.store = store;
    this.config = config;
    this.keeper = keeper;
    this.tracker = tracker;
    this.calls = calls;
    this.push = push;
    this.pull = pull;
    this.pauses = pauses;
    this.scheduler = scheduler;
    this.outcomes = new CycleOutcomes(store, config, keeper, tracker, backoff, scheduler);
    this.target = config.target();
    this.pruner = Pruner.of(store, target, scheduler);
  }

  /**
   * Takes over what the file says about earlier failures, so a restarted manager keeps counting
   * them and does not retry before the persisted {@code backoff_until}.
   */
  public void restore(TargetState state, Set<String> pauseReasons) {
    cursor = state.lastPulledSeq();
    logId = state.logId();
    outcomes.restore(state, pauseReasons);
  }

  /** Whether local writes must wait: the push side's backoff has not ended at {@code nowNanos}. */
  public boolean pushBackingOff(long nowNanos) {
    return outcomes.lanes().backingOff(BackoffLanes.Side.PUSH, nowNanos);
  }

  /** Whether pulls (and the long-poll) must wait: the pull side's backoff has not ended at {@code nowNanos}. */
  public boolean pullBackingOff(long nowNanos) {
    return config.pull() && outcomes.lanes().backingOff(BackoffLanes.Side.PULL, nowNanos);
  }

  /** Whether this manager pulls at all ({@code SyncConfig.pull}). */
  public boolean pulls() {
    return config.pull();
  }

  /** Whether nothing may run: every side this manager has waits out a backoff at {@code nowNanos}. */
  public boolean inBackoff(long nowNanos) {
    return pushBackingOff(nowNanos) && (!config.pull() || pullBackingOff(nowNanos));
  }

  /** The scheduler time the push side's backoff ends; meaningful while {@link #pushBackingOff}. */
  public long pushBackoffUntilNanos() {
    return outcomes.lanes().untilNanos(BackoffLanes.Side.PUSH);
  }

  /** The scheduler time the pull side's backoff ends; meaningful while {@link #pullBackingOff}. */
  public long pullBackoffUntilNanos() {
    return outcomes.lanes().untilNanos(BackoffLanes.Side.PULL);
  }

  /** Whether the last cycle sat its push out for the push side's backoff: owed once that ends. */
  public boolean pushOwed() {
    return pushOwed;
  }

  /** Whether the last cycle sat a wanted pull out for the pull side's backoff: owed once that ends. */
  public boolean pullOwed() {
    return pullOwed;
  }

  /** The cursor as last read or advanced by this manager. */
  public long cursor() {
    return cursor;
  }

  /** Whether the last cycle left things in a state where a long-poll makes sense (held, healthy, not paused). */
  public boolean longPollReady() {
    return outcomes.longPollReady() && !pauses.any() && keeper.view().mine();
  }

  /**
   * Runs one cycle: the push and the pull, each unless its own side is backing off.
   *
   * @param force run even while backing off (an explicit {@code syncNow}), unless the server's {@code
   *     Retry-After} has not passed
   * @param pullWanted whether to pull; false when the loop's outstanding long-poll covers it
   * @param lastRead runs once the cycle will not read the outbox again
   */
  public CycleResult run(boolean force, boolean pullWanted, Runnable lastRead) {
    long t0 = scheduler.nanoTime();
    PushStep.Outcome pushed = new PushStep.Outcome();
    PullStep.Outcome pulled = new PullStep.Outcome();
    Stage stage = Stage.PREPARE;
    boolean pullSkipped = !config.pull() || !pullWanted;
    pushOwed = false;
    pullOwed = false;
    try {
      if (calls.cancelled()) {
        return outcomes.interrupted(Outcome.STOPPED, t0, pushed, pulled);
      }
      Set<String> reasons = pauses.forCycle();
      if (!reasons.isEmpty()) {
        return outcomes.paused(reasons, t0, pushed, pulled);
      }
      if (held(BackoffLanes.Side.PUSH, t0, force) && (pullSkipped || held(BackoffLanes.Side.PULL, t0, force))) {
        return satOut(!pullSkipped, t0, pushed, pulled);
      }
      LeaseKeeper.View lease = keeper.ensure();
      if (!lease.mine()) {
        return outcomes.heldElsewhere(lease, t0);
      }
      FencedWriter writer = keeper.writer();
      if (writer == null) {
        return outcomes.leaseLost("the lease of target " + target + " was given up", t0, pushed, pulled);
      }
      if (!tracker.live().leaseHeldByMe()) {
        outcomes.adopt(store.targets().state(target));
        if (held(BackoffLanes.Side.PUSH, t0, force) && (pullSkipped || held(BackoffLanes.Side.PULL, t0, force))) {
          return satOut(!pullSkipped, t0, pushed, pulled);
        }
      }
      boolean pushHeld = held(BackoffLanes.Side.PUSH, t0, force);
      boolean pullHeld = !pullSkipped && held(BackoffLanes.Side.PULL, t0, force);
      pullSkipped = pullSkipped || pullHeld;
      // Owed even if the backoff ends while the cycle runs: nothing else would retry before the poll.
      pushOwed = pushHeld;
      pullOwed = pullHeld;
      tracker.update(s -> {
        LiveState held = s.withLease(true).withPauses(Set.of());
        ReasonCode c = s.reasonCode();
        boolean stale = c == ReasonCode.LEASE_HELD_ELSEWHERE || c == ReasonCode.LEASE_LOST || c == ReasonCode.PAUSED
            || c == ReasonCode.RESYNC_REQUIRED;
        return stale ? held.withPhase(Phase.IDLE, null, null) : held;
      });
      String resetNote = null;
      boolean epochRaised = false;
      while (true) {
        try {
          stage = Stage.PUSH;
          if (pushHeld) {
            // The push side waits out its backoff; its pending writes go when it ends.
            lastRead.run();
          } else {
            push.run(writer, checkpoint, () -> tracker.update(s -> s.withPhaseOnly(Phase.PUSHING)), lastRead, pushed);
          }
          // Read after the push, off the latency path of a local write; only the lease holder moves
          // the cursor, so it is the same as before the push.
          TargetState state = store.targets().state(target);
          LogGuard guard = new LogGuard(state);
          if (pushed.answered()) {
            guard.check("push", pushed.logId(), pushed.lastLatestSeq());
          }
          cursor = resetNote == null ? Math.max(cursor, state.lastPulledSeq()) : state.lastPulledSeq();
          if (!pullSkipped) {
            stage = Stage.PULL;
            tracker.update(s -> s.withPhaseOnly(Phase.PULLING));
            pull.run(writer, state.lastPulledSeq(), checkpoint, pulled, guard);
            cursor = Math.max(cursor, pulled.cursor());
          }
          guard.adoptIfNew(writer);
          logId = guard.known();
          CycleResult result = outcomes.succeed(writer, state, t0, pushed, pulled, pullSkipped, !pushHeld, resetNote);
          pruner.afterSuccess();
          return result;
        } catch (LogResetDetected d) {
          if (resetNote != null) {
            // Reset twice in one cycle (two deployments behind one URL, say): fail and back off.
            throw d;
          }
          LogReset reset = writer.resetToLog(d.logId(), d.latestSeq());
          tracker.update(s -> s.withServerLatestReported(d.latestSeq()));
          if (!reset.rebuilt()) {
            return outcomes.resyncRequired(writer, d.getMessage(), pauses.refresh(), t0, pushed, pulled);
          }
          cursor = 0;
          pulled.reset();
          resetNote = "recovered from a reset of the server's log (" + d.getMessage() + "): " + reset.requeued()
              + " acked local mutations pushed again, synced state rebuilt from the new log";
          LOG.warn("target {}: {}", target, resetNote);
        } catch (TransportException e) {
          FencedWriter raised = epochRaised ? null : raisedPastServer(e);
          if (raised == null) {
            throw e;
          }
          writer = raised;
          epochRaised = true;
        }
      }
    } catch (CycleAbort a) {
      return switch (a.why()) {
        case STOPPED -> outcomes.interrupted(Outcome.STOPPED, t0, pushed, pulled);
        case PAUSED -> outcomes.paused(pauses.current(), t0, pushed, pulled);
        case LEASE_LOST -> outcomes.leaseLost(
            "the lease of target " + target + " expired or was taken over during the cycle", t0, pushed, pulled);
      };
    } catch (LeaseLostException e) {
      return outcomes.leaseLost(e.getMessage(), t0, pushed, pulled);
    } catch (TransportException e) {
      if (e.kind() == TransportException.Kind.CANCELLED && calls.cancelled()) {
        return outcomes.interrupted(Outcome.STOPPED, t0, pushed, pulled);
      }
      if (e.kind() == TransportException.Kind.STALE_LEASE) {
        return staleLease(stage, e, t0, pushed, pulled);
      }
      return outcomes.fail(stage, e, t0, pushed, pulled);
    } catch (StoreException e) {
      if (e.kind() == StoreException.Kind.INTERRUPTED && calls.cancelled()) {
        return outcomes.interrupted(Outcome.STOPPED, t0, pushed, pulled);
      }
      return outcomes.fail(stage, e, t0, pushed, pulled);
    } catch (Throwable e) {
      Crashes.rethrowIfFatal(e);
      return outcomes.fail(stage, e, t0, pushed, pulled);
    }
  }

  /** Both sides wait out their backoff: nothing runs; the push, and the pull if wanted, are owed. */
  private CycleResult satOut(boolean pullWanted, long t0, PushStep.Outcome pushed, PullStep.Outcome pulled) {
    pushOwed = true;
    pullOwed = pullWanted;
    return outcomes.interrupted(Outcome.BACKING_OFF, t0, pushed, pulled);
  }

  private boolean held(BackoffLanes.Side side, long nowNanos, boolean force) {
    return outcomes.lanes().held(side, nowNanos, force);
  }

  /** Applies one page of the loop's long-poll, issued at the current cursor. */
  public LongPollApplied applyLongPoll(PullResponse page) {
    return applyLongPoll(cursor, page);
  }

  /**
   * Applies one page of the loop's long-poll issued at {@code since}. A page issued before the
   * cursor went back (a log reset), or one that shows the log was reset, is not applied: a cycle
   * pulls (and recovers) instead.
   */
  public LongPollApplied applyLongPoll(long since, PullResponse page) {
    long t0 = scheduler.nanoTime();
    PullStep.Outcome pulled = new PullStep.Outcome();
    try {
      if (calls.cancelled() || pauses.any()) {
        return LongPollApplied.DROPPED;
      }
      // A page asked at an older cursor may say a latest below the cursor now: that is no reset.
      String known = logId;
      if (since > cursor || (since == cursor && page.latestSeq() < since)
          || (known != null && page.logId() != null && !known.equals(page.logId()))) {
        return LongPollApplied.MORE;
      }
      if (page.mutations().isEmpty()) {
        tracker.update(s -> s.withServerLatest(page.latestSeq()));
        return LongPollApplied.APPLIED;
      }
      LeaseKeeper.View lease = keeper.ensure();
      FencedWriter writer = keeper.writer();
      if (!lease.mine() || writer == null) {
        return LongPollApplied.DROPPED;
      }
      LiveState before = tracker.live();
      tracker.update(s -> s.withPhaseOnly(Phase.PULLING));
      pulled.cursor = cursor;
      pull.apply(writer, page, pulled);
      cursor = Math.max(cursor, pulled.cursor());
      tracker.update(s -> s.withPhase(before.phase(), before.reasonCode(), before.reasonMessage())
          .withServerLatest(page.latestSeq()));
      if (pulled.quarantined() > 0) {
        // A cycle right away shows the quarantine in the status (reason inbound_quarantined).
        outcomes.inboxChanged();
        return LongPollApplied.MORE;
      }
      return page.hasMore() ? LongPollApplied.MORE : LongPollApplied.APPLIED;
    } catch (LeaseLostException e) {
      outcomes.leaseLost(e.getMessage(), t0, new PushStep.Outcome(), pulled);
      return LongPollApplied.DROPPED;
    } catch (Throwable e) {
      Crashes.rethrowIfFatal(e);
      outcomes.fail(Stage.PULL, e, t0, new PushStep.Outcome(), pulled);
      return LongPollApplied.FAILED;
    }
  }

  /** The timer found the lease held by another process: wait for it, showing the holder. */
  public void leaseHeldElsewhere(@Nullable String holder) {
    outcomes.waitForLease(holder);
  }

  /** The long-poll itself failed (not cancelled by a stop): a pull failure with its backoff. */
  public void longPollFailed(Throwable e) {
    outcomes.fail(Stage.PULL, e, scheduler.nanoTime(), new PushStep.Outcome(), new PullStep.Outcome());
  }

  private void checkpoint() {
    if (calls.cancelled()) {
      throw CycleAbort.STOPPED;
    }
    if (pauses.any()) {
      throw CycleAbort.PAUSED;
    }
    if (!keeper.ensure().mine()) {
      throw CycleAbort.LEASE_LOST;
    }
  }

  /**
   * For a {@code 409 stale_lease} that says which epoch the server has seen, while the file still
   * names this manager: moves the lease epoch past it in one fenced statement and returns the new
   * writer, so the cycle pushes again at once. Null otherwise (the usual handling follows).
   */
  private @Nullable FencedWriter raisedPastServer(TransportException e) {
    if (e.kind() != TransportException.Kind.STALE_LEASE || e.seenEpoch().isEmpty()) {
      return null;
    }
    Optional<LeaseInfo> current = store.leases().current(target);
    if (current.isEmpty() || !current.get().isHeldBy(keeper.owner())) {
      return null;
    }
    return keeper.raiseEpoch(e.seenEpoch().get());
  }

  private CycleResult staleLease(Stage stage, TransportException e, long t0, PushStep.Outcome pushed,
      PullStep.Outcome pulled) {
    Optional<LeaseInfo> current = store.leases().current(target);
    if (current.isPresent() && current.get().held() && !current.get().owner().equals(keeper.owner())) {
      return outcomes.leaseLost("the server saw a newer lease epoch; the lease is now held by "
          + current.get().owner(), t0, pushed, pulled);
    }
    // The file still names this manager, yet the server saw a newer epoch for this replica (e.g. an
    // older copy of the file was restored): count the failure, then take a new epoch.
    CycleResult r = outcomes.fail(stage, e, t0, pushed, pulled);
    keeper.rotateOwner();
    return r;
  }
}
