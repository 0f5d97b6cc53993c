package dev.ferry.core.internal;

import dev.ferry.core.CycleResult;
import dev.ferry.core.CycleResult.Outcome;
import dev.ferry.core.Phase;
import dev.ferry.core.ReasonCode;
import dev.ferry.core.SyncConfig;
import dev.ferry.store.CycleRecord;
import dev.ferry.store.EnrollmentMode;
import dev.ferry.store.ErrorEntry;
import dev.ferry.store.FencedWriter;
import dev.ferry.store.LeaseInfo;
import dev.ferry.store.LeaseLostException;
import dev.ferry.store.StoreException;
import dev.ferry.store.SyncStore;
import dev.ferry.store.TargetState;
import dev.ferry.transport.TransportException;
import dev.ferry.transport.wire.PullResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One sync cycle, run synchronously on the calling thread (DESIGN section 4): skip when paused or
 * backing off, make sure of the lease, push every pending batch, pull pages until caught up, then
 * record the outcome. Every exception is contained here: classified failures become {@code
 * push_failed}/{@code pull_failed} (or {@code backoff} at the failure ceiling), anything else
 * {@code backoff} with {@code internal_error}; each counts one failure and schedules a retry after
 * {@link Backoff#delay}. A lost lease ends the cycle without counting as a failure and writes
 * nothing more. Outcomes are persisted with the fence ({@link FencedWriter#recordCycle}) when this
 * manager holds the lease, so a restarted manager resumes its backoff.
 *
 * <p>Also applies the pages of the loop's long-poll, with the same failure handling.
 *
 * <p>Not thread-safe: the loop runs one cycle at a time; the volatile fields are read by other
 * threads for status and scheduling.
 */
public final class CycleRunner {

  private static final Logger LOG = LoggerFactory.getLogger(CycleRunner.class);

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

  private enum Stage {
    PREPARE,
    PUSH,
    PULL
  }

  private final SyncStore store;
  private final SyncConfig config;
  private final LeaseKeeper keeper;
  private final StatusTracker tracker;
  private final Backoff backoff;
  private final CallGuard calls;
  private final PushStep push;
  private final PullStep pull;
  private final Pauses pauses;
  private final Scheduler scheduler;
  private final Clock clock;
  private final String target;
  private final Runnable checkpoint = this::checkpoint;

  /**
   * A success that changes nothing but the time is persisted at most this often: one write less per
   * cycle on the latency path; {@code last_sync_at} in the file may lag by up to this much.
   */
  private static final long SUCCESS_RECORD_INTERVAL_NANOS = Duration.ofSeconds(1).toNanos();

  private long lastSuccessRecordedNanos = Long.MIN_VALUE / 2;
  private volatile boolean backoffActive;
  private volatile long backoffUntilNanos;
  private volatile long cursor;
  private volatile boolean longPollReady;

  public CycleRunner(SyncStore store, SyncConfig config, LeaseKeeper keeper, StatusTracker tracker, Backoff backoff,
      CallGuard calls, PushStep push, PullStep pull, Pauses pauses, Scheduler scheduler) {
    this.store = store;
    this.config = config;
    this.keeper = keeper;
    this.tracker = tracker;
    this.backoff = backoff;
    this.calls = calls;
    this.push = push;
    this.pull = pull;
    this.pauses = pauses;
    this.scheduler = scheduler;
    this.clock = store.config().clock();
    this.target = config.target();
  }

  /**
   * Takes over what the file says about earlier failures, so a restarted manager keeps counting
   * them and does not retry before the persisted {@code backoff_until}.
   */
  public void restore(TargetState state, Set<String> pauseReasons) {
    cursor = state.lastPulledSeq();
    long now = clock.millis();
    Long until = state.backoffUntil();
    boolean backingOff = until != null && until > now && state.consecutiveFailures() > 0;
    if (backingOff) {
      backoffUntilNanos = scheduler.nanoTime() + Duration.ofMillis(until - now).toNanos();
      backoffActive = true;
    }
    Phase persisted = Phase.fromWireName(state.phase()).orElse(Phase.IDLE);
    Phase phase = backingOff ? persisted : Phase.IDLE;
    ReasonCode code = backingOff && state.reasonCode() != null
        ? ReasonCode.fromWireName(state.reasonCode()).orElse(null) : null;
    String message = code == null ? null : state.reasonMessage();
    tracker.update(s -> new LiveState(phase, code, message, state.lastError(), state.consecutiveFailures(),
        backingOff ? until : null, state.lastSyncAt(), false, state.serverLatestSeq(), pauseReasons));
  }

  /** Whether a retry must wait: a failure's backoff has not ended at {@code nowNanos}. */
  public boolean inBackoff(long nowNanos) {
    return backoffActive && nowNanos - backoffUntilNanos < 0;
  }

  /** The scheduler time the current backoff ends. */
  public long backoffUntilNanos() {
    return backoffUntilNanos;
  }

  /** The cursor as last read or advanced by this manager. */
  public long cursor() {
    return cursor;
  }

  /** Whether the last cycle left things in a state where a long-poll makes sense (held, healthy, not paused). */
  public boolean longPollReady() {
    return longPollReady && !pauses.any() && keeper.view().mine();
  }

  /**
   * Runs one cycle.
   *
   * @param force run even while backing off (an explicit {@code syncNow})
   * @param pullWanted whether to pull; false when the loop's outstanding long-poll covers it
   */
  public CycleResult run(boolean force, boolean pullWanted) {
    long t0 = scheduler.nanoTime();
    PushStep.Outcome pushed = new PushStep.Outcome();
    PullStep.Outcome pulled = new PullStep.Outcome();
    Stage stage = Stage.PREPARE;
    boolean pullSkipped = !config.pull() || !pullWanted;
    try {
      if (calls.cancelled()) {
        return interrupted(Outcome.STOPPED, t0, pushed, pulled);
      }
      Set<String> reasons = pauses.refresh();
      if (!reasons.isEmpty()) {
        return paused(reasons, t0, pushed, pulled);
      }
      if (!force && inBackoff(t0)) {
        return interrupted(Outcome.BACKING_OFF, t0, pushed, pulled);
      }
      LeaseKeeper.View lease = keeper.ensure();
      if (!lease.mine()) {
        return heldElsewhere(lease, t0);
      }
      FencedWriter writer = keeper.writer();
      if (writer == null) {
        return leaseLost("the lease of target " + target + " was given up", t0, pushed, pulled);
      }
      tracker.update(s -> {
        LiveState held = s.withLease(true);
        ReasonCode c = s.reasonCode();
        boolean stale = c == ReasonCode.LEASE_HELD_ELSEWHERE || c == ReasonCode.LEASE_LOST || c == ReasonCode.PAUSED;
        return stale ? held.withPhase(Phase.IDLE, null, null).withPauses(Set.of()) : held.withPauses(Set.of());
      });
      TargetState state = store.targets().state(target);
      cursor = Math.max(cursor, state.lastPulledSeq());
      stage = Stage.PUSH;
      push.run(writer, checkpoint, () -> tracker.update(s -> s.withPhaseOnly(Phase.PUSHING)), pushed);
      if (!pullSkipped) {
        stage = Stage.PULL;
        tracker.update(s -> s.withPhaseOnly(Phase.PULLING));
        pull.run(writer, state.lastPulledSeq(), checkpoint, pulled);
        cursor = Math.max(cursor, pulled.cursor());
      }
      return succeed(writer, state, t0, pushed, pulled, pullSkipped);
    } catch (CycleAbort a) {
      return switch (a.why()) {
        case STOPPED -> interrupted(Outcome.STOPPED, t0, pushed, pulled);
        case PAUSED -> paused(pauses.current(), t0, pushed, pulled);
        case LEASE_LOST -> leaseLost("the lease of target " + target + " expired or was taken over during the cycle",
            t0, pushed, pulled);
      };
    } catch (LeaseLostException e) {
      return leaseLost(e.getMessage(), t0, pushed, pulled);
    } catch (TransportException e) {
      if (e.kind() == TransportException.Kind.CANCELLED && calls.cancelled()) {
        return interrupted(Outcome.STOPPED, t0, pushed, pulled);
      }
      if (e.kind() == TransportException.Kind.STALE_LEASE) {
        return staleLease(stage, e, t0, pushed, pulled);
      }
      return fail(stage, e, t0, pushed, pulled);
    } catch (StoreException e) {
      if (e.kind() == StoreException.Kind.INTERRUPTED && calls.cancelled()) {
        return interrupted(Outcome.STOPPED, t0, pushed, pulled);
      }
      return fail(stage, e, t0, pushed, pulled);
    } catch (VirtualMachineError e) {
      throw e;
    } catch (RuntimeException | Error e) {
      return fail(stage, e, t0, pushed, pulled);
    }
  }

  /** Applies one page of the long-poll issued at {@code since}. */
  public LongPollApplied applyLongPoll(PullResponse page) {
    long t0 = scheduler.nanoTime();
    PullStep.Outcome pulled = new PullStep.Outcome();
    try {
      if (calls.cancelled() || pauses.any()) {
        return LongPollApplied.DROPPED;
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
      return page.hasMore() ? LongPollApplied.MORE : LongPollApplied.APPLIED;
    } catch (LeaseLostException e) {
      leaseLost(e.getMessage(), t0, new PushStep.Outcome(), pulled);
      return LongPollApplied.DROPPED;
    } catch (VirtualMachineError e) {
      throw e;
    } catch (RuntimeException | Error e) {
      fail(Stage.PULL, e, t0, new PushStep.Outcome(), pulled);
      return LongPollApplied.FAILED;
    }
  }

  /** The long-poll itself failed (not cancelled by a stop): a pull failure with its backoff. */
  public void longPollFailed(RuntimeException e) {
    long t0 = scheduler.nanoTime();
    fail(Stage.PULL, e, t0, new PushStep.Outcome(), new PullStep.Outcome());
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

  private CycleResult succeed(FencedWriter writer, TargetState state, long t0, PushStep.Outcome pushed,
      PullStep.Outcome pulled, boolean pullSkipped) {
    long now = clock.millis();
    ReasonCode code = null;
    String message = null;
    if (!pushed.heldBackProjects().isEmpty()) {
      code = ReasonCode.POLICY_FORBIDDEN;
      message = "held back by the server, retried next cycle: " + pushed.heldBackProjects().entrySet().stream()
          .map(e -> e.getKey() + " (" + e.getValue() + ")").collect(Collectors.joining(", "));
    } else if (state.enrollment() == EnrollmentMode.EXPLICIT) {
      Map<String, Long> waiting = store.outbox().nonEnrolledPendingByProject(target);
      if (!waiting.isEmpty()) {
        code = ReasonCode.NON_ENROLLED_PENDING_MUTATIONS;
        message = waiting.values().stream().mapToLong(Long::longValue).sum()
            + " mutations wait in projects that are not enrolled: " + waiting;
      }
    }
    long durationMs = millisSince(t0);
    LiveState before = tracker.live();
    ReasonCode finalCode = code;
    String finalMessage = message;
    long nowNanos = scheduler.nanoTime();
    boolean unchanged = before.phase() == Phase.HEALTHY && before.reasonCode() == code
        && java.util.Objects.equals(before.reasonMessage(), message) && before.consecutiveFailures() == 0;
    if (!unchanged || nowNanos - lastSuccessRecordedNanos >= SUCCESS_RECORD_INTERVAL_NANOS) {
      writer.recordCycle(new CycleRecord(Phase.HEALTHY.wireName(), Outcome.SUCCESS.wireName(), durationMs, false, 0,
          null, code == null ? null : code.wireName(), message, before.lastError(), now, null));
      lastSuccessRecordedNanos = nowNanos;
    }
    backoffActive = false;
    longPollReady = true;
    long latest = Math.max(pushed.serverLatestSeq(), pulled.serverLatestSeq());
    tracker.update(s -> s.withSuccess(now).withPhase(Phase.HEALTHY, finalCode, finalMessage).withServerLatest(latest)
        .withLease(true));
    return result(Outcome.SUCCESS, Phase.HEALTHY, code, message, keeper.owner(), pullSkipped, null, t0, pushed,
        pulled);
  }

  private CycleResult fail(Stage stage, Throwable e, long t0, PushStep.Outcome pushed, PullStep.Outcome pulled) {
    Failure f = Failure.of(e);
    int failures = saturatingIncrement(tracker.live().consecutiveFailures());
    boolean ceiling = failures >= config.maxConsecutiveFailures();
    Duration delay = backoff.delay(failures, f.retryAfter(), f.atMaximum() || ceiling);
    Phase phase = f.unexpected() || ceiling ? Phase.BACKOFF : stage == Stage.PULL ? Phase.PULL_FAILED
        : Phase.PUSH_FAILED;
    long now = clock.millis();
    long until = now + delay.toMillis();
    backoffUntilNanos = scheduler.nanoTime() + delay.toNanos();
    backoffActive = true;
    longPollReady = false;
    String message = f.message();
    FencedWriter writer = keeper.view().mine() ? keeper.writer() : null;
    if (writer != null) {
      try {
        writer.recordCycle(new CycleRecord(phase.wireName(), Outcome.FAILED.wireName(), millisSince(t0), true,
            failures, until, f.code().wireName(), message, message, null, new ErrorEntry(now, f.code().wireName(),
            message)));
      } catch (RuntimeException persist) {
        LOG.warn("cannot persist the failure of a sync cycle of target {}: {}", target, persist.toString());
      }
    }
    long latest = Math.max(pushed.serverLatestSeq(), pulled.serverLatestSeq());
    tracker.update(s -> s.withFailures(failures, until, message).withPhase(phase, f.code(), message)
        .withServerLatest(latest));
    if (f.unexpected()) {
      LOG.error("sync cycle of target {} failed unexpectedly ({} in a row), retry in {}", target, failures, delay, e);
    } else {
      LOG.warn("sync cycle of target {} failed: {} ({} in a row{}), retry in {}: {}", target, f.code().wireName(),
          failures, ceiling ? ", at the ceiling" : "", delay, message);
    }
    return result(Outcome.FAILED, phase, f.code(), message, keeper.owner(), stage != Stage.PULL && pulled.pages() == 0,
        Instant.ofEpochMilli(until), t0, pushed, pulled);
  }

  private CycleResult staleLease(Stage stage, TransportException e, long t0, PushStep.Outcome pushed,
      PullStep.Outcome pulled) {
    Optional<LeaseInfo> current = store.leases().current(target);
    if (current.isPresent() && current.get().held() && !current.get().owner().equals(keeper.owner())) {
      return leaseLost("the server saw a newer lease epoch; the lease is now held by " + current.get().owner(), t0,
          pushed, pulled);
    }
    // The file still names this manager, yet the server saw a newer epoch for this replica (e.g. an
    // older copy of the file was restored): count the failure, then take a new epoch.
    CycleResult r = fail(stage, e, t0, pushed, pulled);
    keeper.rotateOwner();
    return r;
  }

  private CycleResult leaseLost(String message, long t0, PushStep.Outcome pushed, PullStep.Outcome pulled) {
    keeper.markLost();
    longPollReady = false;
    LOG.info("sync cycle of target {} stopped: {}", target, message);
    tracker.update(s -> s.withLease(false).withPhase(Phase.IDLE, ReasonCode.LEASE_LOST, message));
    return result(Outcome.LEASE_LOST, Phase.IDLE, ReasonCode.LEASE_LOST, message, null, pulled.pages() == 0, null, t0,
        pushed, pulled);
  }

  private CycleResult heldElsewhere(LeaseKeeper.View lease, long t0) {
    longPollReady = false;
    LeaseInfo info = lease.lease();
    String holder = lease.owner();
    String message = info == null ? "the lease of target " + target + " is held by another process"
        : "the lease of target " + target + " is held by " + holder + " until "
            + Instant.ofEpochMilli(info.expiresAtMillis());
    tracker.update(s -> s.withLease(false).withPhase(Phase.IDLE, ReasonCode.LEASE_HELD_ELSEWHERE, message));
    return result(Outcome.LEASE_HELD_ELSEWHERE, Phase.IDLE, ReasonCode.LEASE_HELD_ELSEWHERE, message, holder, true,
        null, t0, new PushStep.Outcome(), new PullStep.Outcome());
  }

  private CycleResult paused(Set<String> reasons, long t0, PushStep.Outcome pushed, PullStep.Outcome pulled) {
    longPollReady = false;
    String message = StatusAssembler.pausedMessage(reasons);
    tracker.update(s -> s.withPauses(reasons).withPhase(Phase.DISABLED, ReasonCode.PAUSED, message));
    return result(Outcome.PAUSED, Phase.DISABLED, ReasonCode.PAUSED, message, keeper.owner(), pulled.pages() == 0,
        null, t0, pushed, pulled);
  }

  private CycleResult interrupted(Outcome outcome, long t0, PushStep.Outcome pushed, PullStep.Outcome pulled) {
    LiveState s = tracker.live();
    Instant until = outcome == Outcome.BACKING_OFF && s.backoffUntilMillis() != null
        ? Instant.ofEpochMilli(s.backoffUntilMillis()) : null;
    return result(outcome, s.phase(), s.reasonCode(), s.reasonMessage(), keeper.owner(), pulled.pages() == 0, until,
        t0, pushed, pulled);
  }

  private CycleResult result(Outcome outcome, Phase phase, @Nullable ReasonCode code, @Nullable String message,
      @Nullable String owner, boolean pullSkipped, @Nullable Instant backoffUntil, long t0, PushStep.Outcome pushed,
      PullStep.Outcome pulled) {
    return new CycleResult(outcome, pushed.pushed(), pushed.quarantined(), pushed.heldBack(), pulled.pulled(),
        pulled.applied(), phase, code, message, owner, pullSkipped, backoffUntil,
        Duration.ofNanos(Math.max(0, scheduler.nanoTime() - t0)));
  }

  private long millisSince(long t0) {
    return Math.max(0, Duration.ofNanos(scheduler.nanoTime() - t0).toMillis());
  }

  private static int saturatingIncrement(int n) {
    return n == Integer.MAX_VALUE ? n : n + 1;
  }
}
