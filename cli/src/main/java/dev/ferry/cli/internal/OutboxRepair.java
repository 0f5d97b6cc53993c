package dev.ferry.cli.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.ferry.cli.Ferry;
import dev.ferry.store.MutationState;
import dev.ferry.store.SyncStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code ferry outbox requeue} and {@code drop} share. Every SEQ is checked before anything
 * changes: one that does not exist or is acked (the server has it; there is nothing to requeue or
 * drop) refuses the whole request with exit {@value Ferry#FAILED}, so a typo in a list of seqs never
 * half-applies it. Requeueing a row that is already pending is a no-op, said so.
 */
final class OutboxRepair {

  private static final int MAX_PROBLEMS_SHOWN = 5;

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
      Map<Long, MutationState> states = store.outbox().states(distinct);
      List<Long> toChange = new ArrayList<>();
      List<Long> alreadyPending = new ArrayList<>();
      List<String> problems = new ArrayList<>();
      for (long seq : distinct) {
        MutationState state = states.get(seq);
        if (state == null) {
          problems.add("seq " + seq + " does not exist");
        } else if (state == MutationState.ACKED) {
          problems.add("seq " + seq + " is acked (the server has it)");
        } else if (action == Action.REQUEUE && state == MutationState.PENDING) {
          alreadyPending.add(seq);
        } else {
          toChange.add(seq);
        }
      }
      if (!problems.isEmpty()) {
        throw CliFailure.failed("nothing " + action.past + ": " + describe(problems) + "; see 'ferry outbox list'");
      }
      int n = toChange.isEmpty() ? 0
          : action == Action.REQUEUE ? store.outbox().requeue(toChange) : store.outbox().drop(toChange);
      if (n < toChange.size()) {
        // A sync running on the file acked (or quarantined) some of them between the check and now.
        throw CliFailure.failed(action.past + " " + n + " of " + toChange.size() + " mutation(s): the others"
            + " changed state meanwhile (a sync is running on the file); see 'ferry outbox list'");
      }
      report(command, json, action, distinct, n, alreadyPending);
    }
    return Ferry.OK;
  }

  private static String describe(List<String> problems) {
    if (problems.size() <= MAX_PROBLEMS_SHOWN) {
      return String.join(", ", problems);
    }
    return String.join(", ", problems.subList(0, MAX_PROBLEMS_SHOWN)) + " and " + (problems.size()
        - MAX_PROBLEMS_SHOWN) + " more";
  }

  private static void report(BaseCommand command, boolean json, Action action, List<Long> requested, int n,
      List<Long> alreadyPending) {
    if (json) {
      ArrayNode req = Json.array();
      requested.forEach(req::add);
      var doc = Json.object().put("action", action.name().toLowerCase(Locale.ROOT)).put(action.past, n);
      doc.set("requested", req);
      if (action == Action.REQUEUE) {
        ArrayNode pending = Json.array();
        alreadyPending.forEach(pending::add);
        doc.set("already_pending", pending);
      }
      Json.print(command.out(), doc);
    } else {
      command.out().println(action.past + " " + n + " of " + requested.size() + " mutation(s)"
          + (alreadyPending.isEmpty() ? "" : " (" + alreadyPending.size() + " already pending)"));
      command.out().flush();
    }
  }
}
