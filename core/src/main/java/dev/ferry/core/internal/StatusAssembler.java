package dev.ferry.core.internal;

import dev.ferry.core.Phase;
import dev.ferry.core.ReasonCode;
import dev.ferry.core.SyncStatus;
import dev.ferry.store.LeaseInfo;
import dev.ferry.store.StoreStatus;
import dev.ferry.store.TargetState;
import dev.ferry.store.TargetStore;
import java.time.Instant;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Combines what the file says ({@link StoreStatus}) with a running manager's {@link LiveState}. */
public final class StatusAssembler {

  private StatusAssembler() {}

  /**
   * The status from the file alone: the last persisted phase and reason, except that set pause
   * reasons read as {@code disabled}/{@code paused} and a persisted {@code disabled} without reasons
   * (resumed while stopped) as {@code idle}.
   */
  public static SyncStatus fromFile(StoreStatus file) {
    TargetState s = file.state();
    Phase phase = Phase.fromWireName(s.phase()).orElse(Phase.IDLE);
    ReasonCode code = s.reasonCode() == null ? null : ReasonCode.fromWireName(s.reasonCode()).orElse(null);
    String message = s.reasonMessage();
    if (!file.pauseReasons().isEmpty()) {
      phase = Phase.DISABLED;
      code = pausedCode(file.pauseReasons());
      message = pausedMessage(file.pauseReasons());
    } else if (phase == Phase.DISABLED || phase == Phase.PUSHING || phase == Phase.PULLING) {
      // Never persisted by the loop; kept only if an older writer did. Not running means idle.
      phase = Phase.IDLE;
    }
    return build(file, false, phase, code, message, s.lastError(), s.consecutiveFailures(), s.backoffUntil(),
        s.lastSyncAt(), s.serverLatestSeq(), false);
  }

  /**
   * The status of a running manager: file counts with the manager's own phase, reason and failures.
   * While it waits for a lease held elsewhere, the reason message names the holder as the file says
   * now (the holder may have changed since the manager last looked); its own failure fields are
   * empty then, since a non-holder does not sync (see {@link LiveState#waitingForLease}).
   */
  public static SyncStatus fromLive(StoreStatus file, LiveState live, String owner) {
    TargetState s = file.state();
    Phase phase = live.phase();
    ReasonCode code = live.reasonCode();
    String message = live.reasonMessage();
    LeaseInfo lease = file.lease();
    boolean mine = lease != null && lease.isHeldBy(owner);
    if (code == ReasonCode.LEASE_HELD_ELSEWHERE && lease != null && !mine) {
      message = lease.held() ? heldElsewhereMessage(file.target(), lease.owner())
          : "the lease of target " + file.target() + " is free; this manager takes it over at its next attempt";
    }
    if (!file.pauseReasons().isEmpty()) {
      phase = Phase.DISABLED;
      code = pausedCode(file.pauseReasons());
      message = pausedMessage(file.pauseReasons());
    }
    Long lastSync = max(s.lastSyncAt(), live.lastSyncAtMillis());
    return build(file, true, phase, code, message, live.lastError(), live.consecutiveFailures(),
        live.backoffUntilMillis(), lastSync, Math.max(s.serverLatestSeq(), live.serverLatestSeq()), mine);
  }

  /** The reason message of a manager waiting for the lease {@code holder} has. */
  public static String heldElsewhereMessage(String target, @Nullable String holder) {
    return holder == null ? "the lease of target " + target + " is held by another process"
        : "the lease of target " + target + " is held by " + holder;
  }

  /** The reason message shown while paused. */
  public static String pausedMessage(Set<String> reasons) {
    if (reasons.contains(TargetStore.RESYNC_REQUIRED)) {
      return "the server's log was replaced or went back and this target's applier cannot rebuild its synced state"
          + " by itself; local writes are kept. Clear what the applier wrote from the server, then run"
          + " `ferry resync` (FencedWriter.resync) to pull the new log from its start"
          + (reasons.size() > 1 ? "; also paused by " + String.join(", ", reasons) : "");
    }
    return "paused by " + String.join(", ", reasons);
  }

  /** The reason code shown while paused: {@code resync_required} wins over a plain pause. */
  public static ReasonCode pausedCode(Set<String> reasons) {
    return reasons.contains(TargetStore.RESYNC_REQUIRED) ? ReasonCode.RESYNC_REQUIRED : ReasonCode.PAUSED;
  }

  private static SyncStatus build(StoreStatus file, boolean live, Phase phase, @Nullable ReasonCode code,
      @Nullable String message, @Nullable String lastError, int failures, @Nullable Long backoffUntil,
      @Nullable Long lastSyncAt, long serverLatest, boolean mine) {
    TargetState s = file.state();
    return new SyncStatus(
        file.target(),
        file.replicaId(),
        Instant.ofEpochMilli(file.readAtMillis()),
        live,
        phase,
        code,
        message,
        lastError,
        failures,
        instant(backoffUntil),
        instant(lastSyncAt),
        s.lastOutcome(),
        file.pendingCount(),
        instant(file.oldestPendingCreatedAt()),
        file.quarantinedCount(),
        file.nonEnrolledPending(),
        s.lastPulledSeq(),
        // As the server reported it, also below the cursor: that is a log reset, never hidden.
        serverLatest,
        s.logId(),
        file.lease(),
        mine,
        file.pauseReasons(),
        s.totalPushed(),
        s.totalPulled(),
        s.totalApplied(),
        s.totalFailures(),
        file.recentErrors(),
        file.inboundQuarantinedCount(),
        file.inboundQuarantinedKeys(),
        file.replicaReset());
  }

  private static @Nullable Long max(@Nullable Long a, @Nullable Long b) {
    if (a == null) {
      return b;
    }
    return b == null ? a : Math.max(a, b);
  }

  private static @Nullable Instant instant(@Nullable Long millis) {
    return millis == null ? null : Instant.ofEpochMilli(millis);
  }
}
