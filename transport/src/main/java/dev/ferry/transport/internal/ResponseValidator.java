package dev.ferry.transport.internal;

import dev.ferry.transport.TransportException;
import dev.ferry.transport.TransportException.Kind;
import dev.ferry.transport.wire.PullResponse;
import dev.ferry.transport.wire.PulledMutation;
import dev.ferry.transport.wire.PushMutation;
import dev.ferry.transport.wire.PushRequest;
import dev.ferry.transport.wire.PushResponse;
import dev.ferry.transport.wire.PushResult;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks that a well-formed response also makes sense for the request it answers, failing closed
 * with {@link Kind#PROTOCOL}: a caller that acked or advanced its cursor on a wrong answer would
 * lose or skip mutations for good, while refusing one only costs a retry.
 */
public final class ResponseValidator {

  private ResponseValidator() {}

  /**
   * A push response must answer every sent {@code client_seq} exactly once and nothing else, give
   * every stored mutation a seq of its own, and report a {@code latest_seq} at least as high as
   * each of them.
   *
   * @throws TransportException {@code PROTOCOL} naming the first offending {@code client_seq}
   */
  public static void checkPush(PushRequest request, PushResponse response) {
    checkCoverage(request, response);
    Map<Long, Long> bySeq = new HashMap<>(response.results().size() * 2);
    for (PushResult result : response.results()) {
      Long seq = result.seq();
      if (!result.stored() || seq == null) {
        continue;
      }
      Long other = bySeq.putIfAbsent(seq, result.clientSeq());
      if (other != null) {
        throw protocol(
            "push response gives seq "
                + seq
                + " to client_seq "
                + other
                + " and to client_seq "
                + result.clientSeq());
      }
      if (seq > response.latestSeq()) {
        throw protocol(
            "push response gives client_seq "
                + result.clientSeq()
                + " seq "
                + seq
                + ", above its latest_seq "
                + response.latestSeq());
      }
    }
  }

  private static void checkCoverage(PushRequest request, PushResponse response) {
    List<PushMutation> sent = request.mutations();
    Set<Long> expected = new HashSet<>(sent.size() * 2);
    for (PushMutation m : sent) {
      expected.add(m.clientSeq());
    }
    Set<Long> answered = new HashSet<>(sent.size() * 2);
    for (PushResult result : response.results()) {
      long seq = result.clientSeq();
      if (!expected.contains(seq)) {
        throw protocol("push response answers client_seq " + seq + ", which was not sent");
      }
      if (!answered.add(seq)) {
        throw protocol("push response answers client_seq " + seq + " more than once");
      }
    }
    if (answered.size() != expected.size()) {
      for (PushMutation m : sent) {
        if (!answered.contains(m.clientSeq())) {
          throw protocol(
              "push response does not answer client_seq "
                  + m.clientSeq()
                  + " ("
                  + (expected.size() - answered.size())
                  + " of "
                  + expected.size()
                  + " unanswered)");
        }
      }
    }
  }

  /**
   * A pull page must hold at most {@code limit} mutations in strictly increasing seq, all above
   * {@code since}, no higher than its {@code latest_seq}, and may not claim more when it is empty.
   * A {@code latest_seq} below {@code since} is allowed: it is how a server whose log went back
   * (restored, replaced) shows, and the caller decides what it means.
   *
   * @throws TransportException {@code PROTOCOL} naming the offending seq
   */
  public static void checkPull(long since, int limit, PullResponse response) {
    List<PulledMutation> mutations = response.mutations();
    if (mutations.isEmpty() && response.hasMore()) {
      throw protocol("pull response has has_more=true but no mutations");
    }
    if (mutations.size() > limit) {
      throw protocol(
          "pull response holds " + mutations.size() + " mutations, more than the limit " + limit);
    }
    long previous = since;
    boolean first = true;
    for (PulledMutation m : mutations) {
      if (m.seq() <= previous) {
        throw protocol(
            first
                ? "pull response seq " + m.seq() + " is not above since=" + since
                : "pull response seq " + m.seq() + " does not follow " + previous);
      }
      previous = m.seq();
      first = false;
    }
    if (!mutations.isEmpty() && response.latestSeq() < previous) {
      throw protocol(
          "pull response latest_seq "
              + response.latestSeq()
              + " is below its last seq "
              + previous);
    }
  }

  private static TransportException protocol(String message) {
    return new TransportException(Kind.PROTOCOL, message, null);
  }
}
