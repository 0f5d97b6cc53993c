package dev.ferry.core.internal;

import dev.ferry.core.CycleResult;
import dev.ferry.core.CycleResult.Outcome;
import dev.ferry.core.Phase;
import dev.ferry.core.ReasonCode;
import dev.ferry.core.SyncConfig;
import dev.ferry.core.internal.BackoffLanes.Side;
import dev.ferry.store.BackoffState;
import dev.ferry.store.CycleRecord;
import dev.ferry.store.EnrollmentMode;
import dev.ferry.store.ErrorEntry;
import dev.ferry.store.FencedWriter;
import dev.ferry.store.SyncStore;
import dev.ferry.store.TargetState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a cycle ends, for {@link CycleRunner}: the live status, the persisted record (with the
 * fence), the backoff state and the {@link CycleResult}. A failure counts one, waits {@link
 * Backoff#delay} (the maximum from the ceiling on, and for refused credentials) and reads {@code
 * push_failed}/{@code pull_failed} by where it failed, {@code backoff} at the ceiling or when
 * unexpected. A success resets the count; one that changes nothing but the time is persisted at
 * most once a second.
 *
 * <p>Called under the loop's cycle gate only, from the sync or long-poll thread; the volatile
 * fields are read elsewhere for scheduling.
 */
final class CycleOutcomes {

  private static final Logger LOG = LoggerFactory.getLogger(CycleOutcomes.class);

  /**
   * A success that changes nothing but the time is persisted at most this often: one write less per
   * cycle on the latency path; {@code last_sync_at} in the file may lag by up to this much.
   */
  private static final long SUCCESS_RECORD_INTERVAL_NANOS = Duration.ofSeconds(1).toNanos();

  /** Where in the cycle a failure happened. */
  enum Stage {
    PREPARE,
    PUSH,
    PULL
  }

  private final SyncStore store;
  private final SyncConfig config;
  private final LeaseKeeper keeper;
  private final StatusTracker tracker;
  private final Backoff backoff;
  private final Scheduler scheduler;
  private final Clock clock;
  private final String target;
  private long lastSuccessRecordedNanos = Long.MIN_VALUE / 2;
  /**
   * The reason of the last success this manager persisted, while nothing else was persisted since
   * (null otherwise). Compared instead of the live phase, which reads {@code pushing}/{@code
   * pulling} at the end of every cycle that did something, so that every such cycle wrote the row.
   */
  private @Nullable String recordedSuccess;
  private final BackoffLanes lanes = new BackoffLanes();
  /** The phase of the last failure, shown while that side still backs off after the other succeeded. */
  private volatile Phase failedPhase = Phase.BACKOFF;
  private volatile boolean longPollReady;
  /**
   * Whether the inbound quarantine may hold something: checked on the first success and after pages
   * that quarantined, so a steady success costs no read; an operator's skip shows at the next check.
   */
  private volatile boolean inboxMayHold = true;

  CycleOutcomes(SyncStore store, SyncConfig config, LeaseKeeper keeper, StatusTracker tracker, Backoff backoff,
      Scheduler scheduler) {
    this.store = store;
    this.config = config;
    this.keeper = keeper;
    this.tracker = tracker;
    this.backoff = backoff;
    this.scheduler = scheduler;
    this.clock = store.config().clock();
    this.target = config.target();
  }

  /** Takes over a persisted backoff (see {@link CycleRunner#restore}). */
  void restore(TargetState state, Set<String> pauseReasons) {
    long now = clock.millis();
    long nowNanos = scheduler.nanoTime();
    lanes.take(Side.PUSH, state.push(), now, nowNanos, false);
    lanes.take(Side.PULL, state.pull(), now, nowNanos, false);
    Long until = state.backoffUntil();
    boolean backingOff = until != null && until > now && state.consecutiveFailures() > 0;
    Phase persisted = Phase.fromWireName(state.phase()).orElse(Phase.IDLE);
    Phase phase = backingOff ? persisted : Phase.IDLE;
    if (backingOff) {
      failedPhase = persisted;
    }
    ReasonCode code = backingOff && state.reasonCode() != null
        ? ReasonCode.fromWireName(state.reasonCode()).orElse(null) : null;
    String message = code == null ? null : state.reasonMessage();
    tracker.update(s -> new LiveState(phase, code, message, state.lastError(), state.consecutiveFailures(),
        backingOff ? until : null, state.lastSyncAt(), false, state.serverLatestSeq(), pauseReasons));
  }

  /** Push's and pull's own failure counts and backoffs. */
  BackoffLanes lanes() {
    return lanes;
  }

  /** Pulled mutations were quarantined outside a cycle (a long-poll page): the next success looks. */
  void inboxChanged() {
    inboxMayHold = true;
  }

  boolean longPollReady() {
    return longPollReady;
  }

  /**
   * The cycle ran what it could without failing: each side that ran is healthy again. While the
   * other side still fails (it sat out its backoff), the phase, reason and backoff stay its own.
   *
   * @param pushRan whether the push side ran (it was not backing off)
   * @param resetNote what the cycle did to recover from a reset of the server's log, if it did:
   *     then the reason is {@code log_reset} with that text, also kept in the error history
   */
  CycleResult succeed(FencedWriter writer, TargetState state, long t0, PushStep.Outcome pushed,
      PullStep.Outcome pulled, boolean pullSkipped, boolean pushRan, @Nullable String resetNote) {
    if (pushRan) {
      lanes.succeeded(Side.PUSH);
    }
    if (!pullSkipped) {
      lanes.succeeded(Side.PULL);
    }
    longPollReady = lanes.failures(Side.PULL) == 0;
    long now = clock.millis();
    Side stillFailing = lanes.failing();
    if (stillFailing != null) {
      return stillFailing(writer, stillFailing, now, t0, pushed, pulled, pullSkipped, resetNote);
    }
    ReasonCode code = null;
    String message = null;
    if (resetNote != null) {
      code = ReasonCode.LOG_RESET;
      message = resetNote;
    } else if (!pushed.heldBackProjects().isEmpty()) {
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
    if (code == null && (inboxMayHold || pulled.quarantined() > 0)) {
      long held = store.inbox().count(target);
      inboxMayHold = held > 0;
      if (held > 0) {
        code = ReasonCode.INBOUND_QUARANTINED;
        message = held + " pulled mutation(s) could not be applied and wait in the inbound quarantine ("
            + String.join(", ", store.inbox().keys(target, 5).keySet()) + (held > 5 ? ", …" : "")
            + "): see 'ferry inbox list', then retry or skip them";
      }
    }
    long durationMs = millisSince(t0);
    LiveState before = tracker.live();
    ReasonCode finalCode = code;
    String finalMessage = message;
    long nowNanos = scheduler.nanoTime();
    String success = (code == null ? "" : code.wireName()) + "\n" + Objects.toString(message, "");
    boolean unchanged = success.equals(recordedSuccess) && before.consecutiveFailures() == 0;
    if (!unchanged || nowNanos - lastSuccessRecordedNanos >= SUCCESS_RECORD_INTERVAL_NANOS) {
      ErrorEntry reset = resetEntry(now, resetNote);
      writer.recordCycle(new CycleRecord(Phase.HEALTHY.wireName(), Outcome.SUCCESS.wireName(), durationMs, false, 0,
          null, code == null ? null : code.wireName(), message, before.lastError(), now, reset, BackoffState.NONE,
          BackoffState.NONE));
      lastSuccessRecordedNanos = nowNanos;
      recordedSuccess = success;
    }
    long latest = Math.max(pushed.serverLatestSeq(), pulled.serverLatestSeq());
    tracker.update(s -> s.withSuccess(now).withPhase(Phase.HEALTHY, finalCode, finalMessage).withServerLatest(latest)
        .withLease(true));
    return result(Outcome.SUCCESS, Phase.HEALTHY, code, message, keeper.owner(), pullSkipped, null, t0, pushed,
        pulled);
  }

  /**
   * Counts a failure of the side that failed ({@code PUSH}, {@code PULL}; both for {@code PREPARE},
   * where neither could run), which backs off on its own; the other side keeps its pace.
   */
  CycleResult fail(Stage stage, Throwable e, long t0, PushStep.Outcome pushed, PullStep.Outcome pulled) {
    Failure f = Failure.of(e);
    boolean pushSide = stage != Stage.PULL;
    boolean pullSide = stage != Stage.PUSH;
    int failures = saturatingIncrement(pushSide && pullSide ? lanes.failures()
        : lanes.failures(pushSide ? Side.PUSH : Side.PULL));
    boolean ceiling = failures >= config.maxConsecutiveFailures();
    Duration delay = backoff.delay(failures, f.retryAfter(), f.atMaximum() || ceiling);
    Phase phase = f.unexpected() || ceiling ? Phase.BACKOFF : stage == Stage.PULL ? Phase.PULL_FAILED
        : Phase.PUSH_FAILED;
    long now = clock.millis();
    long until = now + delay.toMillis();
    long nowNanos = scheduler.nanoTime();
    Duration retryAfter = f.retryAfter();
    if (pushSide) {
      lanes.failed(Side.PUSH, failures, delay, retryAfter, nowNanos, now);
    }
    if (pullSide) {
      lanes.failed(Side.PULL, failures, delay, retryAfter, nowNanos, now);
      longPollReady = false;
    }
    int shown = lanes.failures();
    failedPhase = phase;
    String message = f.message();
    FencedWriter writer = keeper.view().mine() ? keeper.writer() : null;
    recordedSuccess = null;
    if (writer != null) {
      try {
        writer.recordCycle(new CycleRecord(phase.wireName(), Outcome.FAILED.wireName(), millisSince(t0), true,
            shown, until, f.code().wireName(), message, message, null, new ErrorEntry(now, f.code().wireName(),
            message), lanes.state(Side.PUSH), lanes.state(Side.PULL)));
      } catch (RuntimeException persist) {
        LOG.warn("cannot persist the failure of a sync cycle of target {}: {}", target, persist.toString());
      }
    }
    long latest = Math.max(pushed.serverLatestSeq(), pulled.serverLatestSeq());
    tracker.update(s -> s.withFailures(shown, until, message).withPhase(phase, f.code(), message)
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

  CycleResult leaseLost(String message, long t0, PushStep.Outcome pushed, PullStep.Outcome pulled) {
    keeper.markLost();
    longPollReady = false;
    LOG.info("sync cycle of target {} stopped: {}", target, message);
    tracker.update(s -> s.withLease(false).withPhase(Phase.IDLE, ReasonCode.LEASE_LOST, message));
    return result(Outcome.LEASE_LOST, Phase.IDLE, ReasonCode.LEASE_LOST, message, null, pulled.pages() == 0, null, t0,
        pushed, pulled);
  }

  CycleResult heldElsewhere(LeaseKeeper.View lease, long t0) {
    String holder = lease.owner();
    String message = waitForLease(holder);
    return result(Outcome.LEASE_HELD_ELSEWHERE, Phase.IDLE, ReasonCode.LEASE_HELD_ELSEWHERE, message, holder, true,
        null, t0, new PushStep.Outcome(), new PullStep.Outcome());
  }

  /**
   * Another process holds the lease: this manager waits, shows the holder, and has no failures or
   * backoff of its own (the holder's are in the file, taken over with the lease: {@link #adopt}).
   *
   * @return the reason message
   */
  String waitForLease(@Nullable String holder) {
    longPollReady = false;
    lanes.standDown();
    String message = StatusAssembler.heldElsewhereMessage(target, holder);
    tracker.update(s -> s.reasonCode() == ReasonCode.PAUSED || s.reasonCode() == ReasonCode.RESYNC_REQUIRED
        ? s.withLease(false) : s.waitingForLease(message));
    return message;
  }

  /**
   * This manager has just taken the lease: it continues the target's failure count and backoff as
   * the last holder left them in the file (its own view of them is older, or empty while it waited).
   */
  void adopt(TargetState state) {
    recordedSuccess = null;
    long now = clock.millis();
    long nowNanos = scheduler.nanoTime();
    lanes.take(Side.PUSH, state.push(), now, nowNanos, true);
    lanes.take(Side.PULL, state.pull(), now, nowNanos, true);
    Long until = state.backoffUntil();
    boolean backingOff = until != null && until > now && state.consecutiveFailures() > 0;
    tracker.update(s -> s.withFailures(state.consecutiveFailures(), backingOff ? until : null, state.lastError()));
  }

  CycleResult paused(Set<String> reasons, long t0, PushStep.Outcome pushed, PullStep.Outcome pulled) {
    longPollReady = false;
    String message = StatusAssembler.pausedMessage(reasons);
    ReasonCode code = StatusAssembler.pausedCode(reasons);
    tracker.update(s -> s.withPauses(reasons).withPhase(Phase.DISABLED, code, message));
    return result(Outcome.PAUSED, Phase.DISABLED, code, message, keeper.owner(), pulled.pages() == 0,
        null, t0, pushed, pulled);
  }

  /**
   * The server's log was reset and the applier cannot rebuild: the store paused the target with
   * {@code resync_required}. Recorded with the detail in the error history; nothing else changed.
   */
  CycleResult resyncRequired(FencedWriter writer, String detail, Set<String> reasons, long t0,
      PushStep.Outcome pushed, PullStep.Outcome pulled) {
    long now = clock.millis();
    String message = StatusAssembler.pausedMessage(reasons);
    LOG.error("target {} needs a resync: {}; {}", target, detail, message);
    try {
      writer.recordCycle(new CycleRecord(Phase.DISABLED.wireName(), Outcome.PAUSED.wireName(), millisSince(t0), false,
          0, null, ReasonCode.RESYNC_REQUIRED.wireName(), message, detail, null,
          new ErrorEntry(now, ReasonCode.RESYNC_REQUIRED.wireName(), detail)));
    } catch (RuntimeException persist) {
      LOG.warn("cannot persist the resync state of target {}: {}", target, persist.toString());
    }
    return paused(reasons, t0, pushed, pulled);
  }

  CycleResult interrupted(Outcome outcome, long t0, PushStep.Outcome pushed, PullStep.Outcome pulled) {
    LiveState s = tracker.live();
    Instant until = outcome == Outcome.BACKING_OFF && s.backoffUntilMillis() != null
        ? Instant.ofEpochMilli(s.backoffUntilMillis()) : null;
    return result(outcome, s.phase(), s.reasonCode(), s.reasonMessage(), keeper.owner(), pulled.pages() == 0, until,
        t0, pushed, pulled);
  }

  /**
   * A success of one side while the other still backs off: the status keeps showing the failing
   * side; a log reset the cycle recovered from still goes into the error history.
   */
  private CycleResult stillFailing(FencedWriter writer, Side side, long now, long t0, PushStep.Outcome pushed,
      PullStep.Outcome pulled, boolean pullSkipped, @Nullable String resetNote) {
    recordedSuccess = null;
    LiveState before = tracker.live();
    Long until = lanes.state(side).backoffUntil();
    int failures = lanes.failures();
    // A log reset recovered by the side that ran stays in the error history, as on a full success.
    ErrorEntry reset = resetEntry(now, resetNote);
    writer.recordCycle(new CycleRecord(failedPhase.wireName(), Outcome.SUCCESS.wireName(), millisSince(t0), false,
        failures, until, before.reasonCode() == null ? null : before.reasonCode().wireName(), before.reasonMessage(),
        before.lastError(), now, reset, lanes.state(Side.PUSH), lanes.state(Side.PULL)));
    long latest = Math.max(pushed.serverLatestSeq(), pulled.serverLatestSeq());
    Phase phase = failedPhase;
    tracker.update(s -> s.withSuccess(now).withFailures(failures, until, s.lastError())
        .withPhase(phase, s.reasonCode(), s.reasonMessage()).withServerLatest(latest).withLease(true));
    LiveState after = tracker.live();
    return result(Outcome.SUCCESS, after.phase(), after.reasonCode(), after.reasonMessage(), keeper.owner(),
        pullSkipped, until == null ? null : Instant.ofEpochMilli(until), t0, pushed, pulled);
  }

  /** The error-history entry of a recovered log reset, or null when the cycle recovered none. */
  private static @Nullable ErrorEntry resetEntry(long now, @Nullable String resetNote) {
    return resetNote == null ? null : new ErrorEntry(now, ReasonCode.LOG_RESET.wireName(), resetNote);
  }

  CycleResult result(Outcome outcome, Phase phase, @Nullable ReasonCode code, @Nullable String message,
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
