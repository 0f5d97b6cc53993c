package dev.ferry.cli.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.cli.Ferry;
import dev.ferry.store.MutationState;
import dev.ferry.store.PendingMutation;
import dev.ferry.store.SyncStore;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ferry outbox list}. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    header = "List pending and quarantined mutations.",
    description = "Lists pending and quarantined mutations in seq order (acked ones with --state acked).")
final class OutboxListCommand extends BaseCommand {

  /** Which rows to list. */
  enum Which {
    all,
    pending,
    quarantined,
    acked
  }

  @Mixin LocalTarget local;

  @Option(names = "--state", defaultValue = "all", paramLabel = "STATE",
      description = "all (pending and quarantined), pending, quarantined or acked (default: ${DEFAULT-VALUE})")
  Which state;

  @Option(names = "--limit", defaultValue = "100", paramLabel = "N",
      description = "list at most N rows of each state (default: ${DEFAULT-VALUE})")
  int limit;

  @Option(names = "--json", description = "print the rows as one JSON document")
  boolean json;

  @Override
  public Integer call() {
    requireLimit(limit);
    String target = local.requireTarget();
    try (SyncStore store = LocalFile.openExisting(spec, local.db)) {
      List<PendingMutation> rows = new ArrayList<>();
      for (MutationState s : states()) {
        rows.addAll(store.outbox().list(target, s, limit));
      }
      rows.sort((a, b) -> Long.compare(a.seq(), b.seq()));
      long pending = store.outbox().pendingCount(target);
      long quarantined = store.outbox().quarantinedCount(target);
      if (json) {
        ArrayNode list = Json.array();
        rows.forEach(r -> list.add(row(r)));
        Json.print(out(), Json.object().put("target", target).put("state", state.name())
            .put("pending_count", pending).put("quarantined_count", quarantined).set("mutations", list));
      } else {
        table(out(), rows, pending, quarantined);
      }
    }
    return Ferry.OK;
  }

  private List<MutationState> states() {
    return switch (state) {
      case all -> List.of(MutationState.PENDING, MutationState.QUARANTINED);
      case pending -> List.of(MutationState.PENDING);
      case quarantined -> List.of(MutationState.QUARANTINED);
      case acked -> List.of(MutationState.ACKED);
    };
  }

  private static ObjectNode row(PendingMutation m) {
    ObjectNode o = Json.object();
    o.put("seq", m.seq()).put("state", m.state().wireName()).put("project", m.project())
        .put("entity", m.entity()).put("entity_key", m.entityKey()).put("op", m.op())
        .put("created_at", Instant.ofEpochMilli(m.createdAtMillis()).toString()).put("attempts", m.attempts())
        .put("error_code", m.errorCode()).put("last_error", m.lastError());
    if (m.serverSeq() == null) {
      o.putNull("server_seq");
    } else {
      o.put("server_seq", m.serverSeq());
    }
    o.set("payload", Json.parseOrText(m.payloadJson()));
    return o;
  }

  private void table(PrintWriter out, List<PendingMutation> rows, long pending, long quarantined) {
    out.printf("target %s: %d pending, %d quarantined%n", local.target, pending, quarantined);
    if (rows.isEmpty()) {
      out.println("(no rows)");
      return;
    }
    out.printf("%8s  %-11s  %-24s  %-6s  %-3s  %-24s  %s%n", "SEQ", "STATE", "PROJECT/ENTITY/KEY", "OP", "TRY",
        "CREATED", "ERROR");
    for (PendingMutation m : rows) {
      String error = m.errorCode() == null ? "" : m.errorCode() + (m.lastError() == null ? "" : ": " + m.lastError());
      out.printf("%8d  %-11s  %-24s  %-6s  %3d  %-24s  %s%n", m.seq(), m.state().wireName(),
          m.project() + "/" + m.entity() + "/" + m.entityKey(), m.op(), m.attempts(),
          Instant.ofEpochMilli(m.createdAtMillis()), error);
    }
    out.flush();
  }
}
