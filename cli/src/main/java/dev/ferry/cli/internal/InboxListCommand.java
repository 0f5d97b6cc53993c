package dev.ferry.cli.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.cli.Ferry;
import dev.ferry.store.InboundMutation;
import dev.ferry.store.SyncStore;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ferry inbox list}. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    header = "List quarantined pulled mutations.",
    description = "Lists the pulled mutations in the inbound quarantine in server order, with their error.")
final class InboxListCommand extends BaseCommand {

  @Mixin LocalTarget local;

  @Option(names = "--limit", defaultValue = "100", paramLabel = "N",
      description = "list at most N mutations (default: ${DEFAULT-VALUE})")
  int limit;

  @Option(names = "--json", description = "print the mutations as one JSON document")
  boolean json;

  @Override
  public Integer call() {
    requireLimit(limit);
    String target = local.requireTarget();
    try (SyncStore store = LocalFile.openExisting(spec, local.db)) {
      List<InboundMutation> rows = store.inbox().list(target, 0, limit);
      long count = store.inbox().count(target);
      if (json) {
        ArrayNode list = Json.array();
        rows.forEach(r -> list.add(row(r)));
        Json.print(out(), Json.object().put("target", target).put("count", count).set("mutations", list));
      } else {
        table(out(), rows, count);
      }
    }
    return Ferry.OK;
  }

  private static ObjectNode row(InboundMutation m) {
    ObjectNode o = Json.object();
    o.put("server_seq", m.serverSeq()).put("replica_id", m.replicaId()).put("client_seq", m.clientSeq())
        .put("project", m.project()).put("entity", m.entity()).put("entity_key", m.entityKey()).put("op", m.op())
        .put("error_code", m.errorCode()).put("error", m.error()).put("attempts", m.attempts())
        .put("quarantined_at", Instant.ofEpochMilli(m.quarantinedAtMillis()).toString());
    if (m.newerSeq() == null) {
      o.putNull("newer_seq");
    } else {
      o.put("newer_seq", m.newerSeq());
    }
    o.set("payload", Json.parseOrText(m.payloadJson()));
    return o;
  }

  private void table(PrintWriter out, List<InboundMutation> rows, long count) {
    out.printf("target %s: %d quarantined pulled mutation(s)%n", local.target, count);
    if (rows.isEmpty()) {
      out.println("(none)");
      out.flush();
      return;
    }
    out.printf("%10s  %-24s  %-8s  %-12s  %-3s  %-8s  %s%n", "SERVER_SEQ", "PROJECT/ENTITY/KEY", "OP", "CODE", "TRY",
        "NEWER", "ERROR");
    for (InboundMutation m : rows) {
      out.printf("%10d  %-24s  %-8s  %-12s  %3d  %-8s  %s%n", m.serverSeq(),
          m.project() + "/" + m.entity() + "/" + m.entityKey(), m.op(), m.errorCode(), m.attempts(),
          m.newerSeq() == null ? "-" : m.newerSeq().toString(), m.error());
    }
    out.flush();
  }
}
