package dev.ferry.server.internal.http;

import dev.ferry.server.AppendResult;
import dev.ferry.server.MutationLog;
import dev.ferry.transport.wire.PushMutation;
import dev.ferry.transport.wire.PushRequest;
import dev.ferry.transport.wire.PushResponse;
import dev.ferry.transport.wire.PushResult;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /v1/push}: authenticates, refuses a token that may write no project at all (403),
 * reads and parses the batch, rejects single mutations that are malformed ({@code
 * validation_error}, final) or outside the token's write grants ({@code policy_forbidden},
 * retryable), and appends the rest in one transaction, which refuses the whole push (403 {@code
 * replica_forbidden}) when the replica is bound to another principal.
 */
final class PushEndpoint implements Endpoint {

  private final TokenRegistry tokens;
  private final MutationLog log;
  private final int maxBatch;
  private final Clock clock;

  PushEndpoint(
      TokenRegistry tokens, MutationLog log, int maxBatch, Clock clock) {
    this.tokens = tokens;
    this.log = log;
    this.maxBatch = maxBatch;
    this.clock = clock;
  }

  @Override
  public void handle(ApiCall call) throws IOException {
    Principal principal = call.authenticate(tokens);
    byte[] body = call.body();
    // The router read the body first, so a client still sending gets the answer instead of a reset
    // connection. Refused before the log is touched: any push, even one whose every mutation is rejected,
    // could otherwise raise a replica's lease epoch and fence its real holder out.
    if (principal.writable().isEmpty()) {
      throw ApiException.policy("this token may not write any project");
    }
    PushRequest request = PushParser.parse(body);
    int n = request.mutations().size();
    if (n > maxBatch) {
      throw ApiException.validation(
          "batch_too_large",
          "a push may carry at most " + maxBatch + " mutations, this one has " + n);
    }
    String replicaProblem = MutationChecks.replicaIdProblem(request.replicaId());
    if (replicaProblem != null) {
      throw ApiException.validation("invalid_request", replicaProblem);
    }

    PushResult[] results = new PushResult[n];
    List<PushMutation> toStore = new ArrayList<>(n);
    int[] slots = new int[n];
    List<PushMutation> forbidden = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      PushMutation m = request.mutations().get(i);
      String problem = MutationChecks.problem(m);
      if (problem != null) {
        results[i] = PushResult.rejected(m.clientSeq(), "validation_error", problem, false);
      } else if (!principal.writable().contains(m.project())) {
        forbidden.add(m);
        results[i] =
            PushResult.rejected(
                m.clientSeq(),
                "policy_forbidden",
                "this token may not write project " + m.project(),
                true);
      } else {
        slots[toStore.size()] = i;
        toStore.add(m);
      }
    }

    AppendResult outcome =
        log.append(
            principal.tenant(),
            principal.name(),
            request.replicaId(),
            request.leaseEpoch(),
            toStore,
            clock.instant());
    if (outcome instanceof AppendResult.ReplicaForbidden) {
      throw ApiException.replicaForbidden(
          "replica_id '"
              + shorten(request.replicaId())
              + "' belongs to another principal of this tenant; each replica (each database)"
              + " must push under an id of its own, with tokens of one name");
    }
    if (outcome instanceof AppendResult.StaleLease stale) {
      throw ApiException.staleLease(
          "lease epoch "
              + request.leaseEpoch()
              + " is older than epoch "
              + stale.seenEpoch()
              + " already seen for this replica",
          stale.seenEpoch());
    }
    AppendResult.Appended appended = (AppendResult.Appended) outcome;
    List<AppendResult.Entry> entries = appended.entries();
    for (int k = 0; k < entries.size(); k++) {
      results[slots[k]] = result(entries.get(k));
    }
    answerStoredEarlier(principal, request, forbidden, results);
    call.ok(new PushResponse(Arrays.asList(results), appended.latestSeq(), appended.logId()));
  }

  /**
   * Answers refused mutations that an earlier push stored as what they are: a mutation stored
   * before the token's grants narrowed, whose answer was lost, would otherwise stay pending
   * forever. Only looks up; a refused mutation is never stored.
   */
  private void answerStoredEarlier(
      Principal principal,
      PushRequest request,
      List<PushMutation> forbidden,
      PushResult[] results) {
    if (forbidden.isEmpty()) {
      return;
    }
    Map<Long, AppendResult.Entry> stored =
        log.findStored(principal.tenant(), principal.name(), request.replicaId(), forbidden);
    if (stored.isEmpty()) {
      return;
    }
    for (int i = 0; i < results.length; i++) {
      AppendResult.Entry earlier = stored.get(results[i].clientSeq());
      if (earlier != null && "policy_forbidden".equals(results[i].code())) {
        results[i] = result(earlier);
      }
    }
  }

  private static String shorten(String s) {
    return s.length() <= 60 ? s : s.substring(0, 60) + "…";
  }

  private static PushResult result(AppendResult.Entry e) {
    if (e.conflict()) {
      return PushResult.rejected(
          e.clientSeq(),
          "replica_conflict",
          "client_seq "
              + e.clientSeq()
              + " of this replica is already stored with different content (seq "
              + e.seq()
              + "); the replica reuses client seqs, e.g. its database was restored from a"
              + " backup or copied",
          false);
    }
    return e.duplicate()
        ? PushResult.duplicate(e.clientSeq(), e.seq())
        : PushResult.accepted(e.clientSeq(), e.seq());
  }
}
