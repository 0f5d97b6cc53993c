package dev.ferry.core.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.core.SyncStatus;
import dev.ferry.store.ErrorEntry;
import dev.ferry.store.LeaseInfo;
import dev.ferry.store.ReplicaReset;
import dev.ferry.transport.wire.WireJson;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Renders a {@link SyncStatus} as JSON with the wire protocol's one mapper. Built as a tree so
 * every field is present (null where absent) and the names are exactly those of DESIGN section 4,
 * whatever the mapper's inclusion rules. Times use the mapper's wire format (ISO-8601 UTC with
 * milliseconds).
 */
public final class StatusJson {

  private static final ObjectMapper MAPPER = WireJson.mapper();

  private StatusJson() {}

  /** The status as one JSON object. */
  public static String render(SyncStatus s) {
    try {
      return MAPPER.writeValueAsString(tree(s));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("cannot render the sync status as JSON", e);
    }
  }

  /** The status as a JSON tree (for embedding into a larger document). */
  public static ObjectNode tree(SyncStatus s) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("target", s.target());
    root.put("replica_id", s.replicaId());
    root.set("read_at", time(s.readAt()));
    root.put("live", s.live());
    root.put("phase", s.phase().wireName());
    root.put("reason_code", s.reasonCode() == null ? null : s.reasonCode().wireName());
    root.put("reason_message", s.reasonMessage());
    root.put("last_error", s.lastError());
    root.put("consecutive_failures", s.consecutiveFailures());
    root.set("backoff_until", time(s.backoffUntil()));
    root.set("last_sync_at", time(s.lastSyncAt()));
    root.put("last_outcome", s.lastOutcome());

    ObjectNode pending = root.putObject("pending");
    pending.put("count", s.pendingCount());
    pending.set("oldest_created_at", time(s.oldestPendingCreatedAt()));
    Duration age = s.oldestPendingAge();
    if (age == null) {
      pending.putNull("oldest_age_ms");
    } else {
      pending.put("oldest_age_ms", age.toMillis());
    }
    root.putObject("quarantined").put("count", s.quarantinedCount());
    ObjectNode nonEnrolled = root.putObject("non_enrolled_pending");
    for (Map.Entry<String, Long> e : new TreeMap<>(s.nonEnrolledPending()).entrySet()) {
      nonEnrolled.put(e.getKey(), e.getValue());
    }

    ObjectNode inbound = root.putObject("inbound_quarantined");
    inbound.put("count", s.inboundQuarantinedCount());
    ObjectNode keys = inbound.putObject("keys");
    for (Map.Entry<String, Long> e : new TreeMap<>(s.inboundQuarantinedKeys()).entrySet()) {
      keys.put(e.getKey(), e.getValue());
    }
    ReplicaReset reset = s.replicaReset();
    if (reset == null) {
      root.putNull("replica_reset");
    } else {
      ObjectNode r = root.putObject("replica_reset");
      r.put("previous_id", reset.previousId());
      r.set("at", time(Instant.ofEpochMilli(reset.atMillis())));
      r.put("reason", reset.reason());
      r.put("resets", reset.resets());
    }

    ObjectNode cursor = root.putObject("cursor");
    cursor.put("last_pulled_seq", s.lastPulledSeq());
    cursor.put("server_latest_seq", s.serverLatestSeq());
    cursor.put("log_id", s.logId());

    LeaseInfo lease = s.lease();
    if (lease == null) {
      root.putNull("lease");
    } else {
      ObjectNode l = root.putObject("lease");
      l.put("owner", lease.owner());
      l.put("held", lease.held());
      l.put("held_by_me", s.leaseHeldByMe());
      l.put("epoch", lease.epoch());
      l.set("expires_at", time(Instant.ofEpochMilli(lease.expiresAtMillis())));
    }

    ArrayNode pauses = root.putArray("pause_reasons");
    new TreeSet<>(s.pauseReasons()).forEach(pauses::add);

    ObjectNode totals = root.putObject("totals");
    totals.put("pushed", s.totalPushed());
    totals.put("pulled", s.totalPulled());
    totals.put("applied", s.totalApplied());
    totals.put("failures", s.totalFailures());

    ArrayNode errors = root.putArray("recent_errors");
    for (ErrorEntry e : s.recentErrors()) {
      ObjectNode o = errors.addObject();
      o.set("at", time(Instant.ofEpochMilli(e.atMillis())));
      o.put("code", e.code());
      o.put("message", e.message());
    }
    return root;
  }

  private static JsonNode time(@Nullable Instant t) {
    return t == null ? MAPPER.nullNode() : MAPPER.valueToTree(t);
  }
}
