package dev.ferry.cli.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.ferry.cli.Ferry;
import dev.ferry.store.SyncStore;
import java.nio.file.Path;
import java.util.List;

/** What {@code ferry outbox requeue} and {@code drop} share. */
final class OutboxRepair {

  enum Action {
    REQUEUE("requeued"),
    DROP("dropped");

    final String past;

    Action(String past) {
      this.past = past;
    }
  }

  private OutboxRepair() {}

  static int run(BaseCommand command, Path db, List<Long> seqs, boolean json, Action action) {
    for (long seq : seqs) {
      if (seq < 1) {
        throw command.usage("SEQ must be positive, was " + seq);
      }
    }
    List<Long> distinct = seqs.stream().distinct().toList();
    try (SyncStore store = LocalFile.openExisting(command.spec, db)) {
      int n = action == Action.REQUEUE ? store.outbox().requeue(distinct) : store.outbox().drop(distinct);
      if (json) {
        ArrayNode requested = Json.array();
        distinct.forEach(requested::add);
        Json.print(command.out(), Json.object().put("action", action.name().toLowerCase(java.util.Locale.ROOT))
            .put(action.past, n).set("requested", requested));
      } else {
        String rule = action == Action.REQUEUE ? " (only quarantined rows move)" : " (acked rows stay)";
        command.out().println(action.past + " " + n + " of " + distinct.size() + " mutation(s)"
            + (n < distinct.size() ? rule : ""));
      }
    }
    return Ferry.OK;
  }
}
