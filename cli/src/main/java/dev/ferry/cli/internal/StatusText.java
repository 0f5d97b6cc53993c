package dev.ferry.cli.internal;

import dev.ferry.core.SyncStatus;
import dev.ferry.store.ErrorEntry;
import dev.ferry.store.LeaseInfo;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** A {@link SyncStatus} as an aligned table for people. */
final class StatusText {

  private StatusText() {}

  static void print(PrintWriter out, SyncStatus s) {
    row(out, "target", s.target());
    row(out, "replica", s.replicaId() + (s.replicaReset() == null ? "" : " (fresh since "
        + Instant.ofEpochMilli(s.replicaReset().atMillis()) + ", was " + s.replicaReset().previousId() + ": "
        + s.replicaReset().reason() + ")"));
    row(out, "phase", s.phase().wireName() + (s.live() ? "" : " (last persisted)"));
    row(out, "reason", s.reasonCode() == null ? "-" : s.reasonCode().wireName() + orEmpty(s.reasonMessage()));
    row(out, "last error", s.lastError() == null ? "-" : s.lastError());
    row(out, "failures in a row", Long.toString(s.consecutiveFailures()));
    row(out, "backoff until", time(s.backoffUntil()));
    row(out, "last sync", time(s.lastSyncAt()) + (s.lastOutcome() == null ? "" : ", last outcome " + s.lastOutcome()));
    Duration age = s.oldestPendingAge();
    row(out, "pending", s.pendingCount() + (age == null ? "" : ", oldest " + age.toMillis() + " ms old"));
    row(out, "quarantined", Long.toString(s.quarantinedCount()));
    if (s.inboundQuarantinedCount() > 0) {
      row(out, "inbox (not applied)", s.inboundQuarantinedCount() + ": "
          + String.join(", ", s.inboundQuarantinedKeys().keySet()) + " (ferry inbox list)");
    }
    if (!s.nonEnrolledPending().isEmpty()) {
      StringBuilder b = new StringBuilder();
      for (Map.Entry<String, Long> e : s.nonEnrolledPending().entrySet()) {
        b.append(b.length() == 0 ? "" : ", ").append(e.getKey()).append(' ').append(e.getValue());
      }
      row(out, "not enrolled", b.toString());
    }
    row(out, "cursor", s.lastPulledSeq() + " of server seq " + s.serverLatestSeq());
    row(out, "lease", lease(s.lease()));
    row(out, "paused by", s.pauseReasons().isEmpty() ? "-" : String.join(", ", s.pauseReasons()));
    row(out, "totals", "pushed " + s.totalPushed() + ", pulled " + s.totalPulled() + ", applied "
        + s.totalApplied() + ", failures " + s.totalFailures());
    for (ErrorEntry e : s.recentErrors()) {
      row(out, "error", Instant.ofEpochMilli(e.atMillis()) + " " + e.code() + ": " + e.message());
    }
    out.flush();
  }

  private static String lease(@Nullable LeaseInfo lease) {
    if (lease == null) {
      return "never taken";
    }
    return (lease.held() ? "held by " : "free, last held by ") + lease.owner() + " (epoch " + lease.epoch()
        + ", expires " + Instant.ofEpochMilli(lease.expiresAtMillis()) + ")";
  }

  private static String orEmpty(@Nullable String message) {
    return message == null ? "" : ": " + message;
  }

  private static String time(@Nullable Instant t) {
    return t == null ? "-" : t.toString();
  }

  private static void row(PrintWriter out, String name, String value) {
    out.printf("%-18s %s%n", name, value);
  }
}
