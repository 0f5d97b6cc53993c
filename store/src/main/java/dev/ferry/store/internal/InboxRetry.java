package dev.ferry.store.internal;

import dev.ferry.store.Inbox;
import dev.ferry.store.Inbox.Retry;
import dev.ferry.store.Inbox.RetryOutcome;
import dev.ferry.store.InboundMutation;
import dev.ferry.store.MutationApplier;
import dev.ferry.store.RemoteMutation;
import dev.ferry.store.StoreException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** One {@link Inbox#retry} inside its write transaction. */
public final class InboxRetry {

  private static final String BOUND = "SELECT applier_id FROM ferry_targets WHERE target = ?";
  private static final String SHADOW_SEQ =
      "SELECT server_seq FROM ferry_shadows WHERE target = ? AND project = ? AND entity = ? AND entity_key = ?";
  private static final String COUNT_APPLIED =
      "UPDATE ferry_targets SET total_applied = min(total_applied, 9223372036854775806) + 1 WHERE target = ?";
  private static final String SAVEPOINT = "ferry_retry";

  private InboxRetry() {}

  /** Retries quarantined mutation {@code seq} of {@code target} with {@code applier}. */
  public static Retry retry(Tx tx, String target, long seq, MutationApplier applier) throws SQLException {
    Optional<InboundMutation> found = InboundQuarantine.get(tx, target, seq);
    if (found.isEmpty()) {
      return new Retry(seq, RetryOutcome.NOT_FOUND, "server seq " + seq + " is not in the inbound quarantine");
    }
    checkApplier(tx, target, applier);
    InboundMutation q = found.get();
    if (q.newerSeq() != null) {
      InboundQuarantine.delete(tx, target, seq);
      return new Retry(seq, RetryOutcome.SUPERSEDED,
          "a later write of the key (server seq " + q.newerSeq() + ") was handled since and wins");
    }
    RemoteMutation m;
    try {
      m = q.toRemote();
    } catch (IllegalArgumentException e) {
      InboundQuarantine.failedAgain(tx, target, seq, "cannot be mapped: " + e.getMessage());
      return new Retry(seq, RetryOutcome.FAILED, "cannot be mapped: " + e.getMessage() + "; skip it");
    }
    long acked = Protection.maxAcked(tx, target, m.project(), m.entity(), m.entityKey());
    if (acked > seq) {
      InboundQuarantine.delete(tx, target, seq);
      return new Retry(seq, RetryOutcome.SUPERSEDED,
          "a local write of the key acked at server seq " + acked + " wins");
    }
    Long shadow = shadowSeq(tx, target, m);
    if (shadow != null && shadow > seq) {
      InboundQuarantine.delete(tx, target, seq);
      return new Retry(seq, RetryOutcome.SUPERSEDED,
          "a later write of the key (server seq " + shadow + ") waits as its shadow and wins");
    }
    if (Protection.keyPending(tx, target, new EntityKey(m.project(), m.entity(), m.entityKey()))) {
      Protection.putShadow(tx, target, m);
      InboundQuarantine.delete(tx, target, seq);
      return new Retry(seq, RetryOutcome.SHADOWED,
          "a local write of the key is pending; kept as the key's shadow, applied if it still wins then");
    }
    PagePass.execute(tx, "SAVEPOINT " + SAVEPOINT);
    PagePass.Outcome failure = PagePass.runApplier(tx, applier, target, List.of(m));
    if (failure != null) {
      PagePass.undo(tx, SAVEPOINT);
      String error = String.valueOf(failure.error());
      InboundQuarantine.failedAgain(tx, target, seq, error);
      return new Retry(seq, RetryOutcome.FAILED, "failed again: " + error);
    }
    PagePass.execute(tx, "RELEASE " + SAVEPOINT);
    InboundQuarantine.delete(tx, target, seq);
    PreparedStatement count = tx.statement(COUNT_APPLIED);
    count.setString(1, target);
    count.executeUpdate();
    return new Retry(seq, RetryOutcome.APPLIED, "applied");
  }

  private static void checkApplier(Tx tx, String target, MutationApplier applier) throws SQLException {
    PreparedStatement ps = tx.statement(BOUND);
    ps.setString(1, target);
    try (ResultSet rs = ps.executeQuery()) {
      String bound = rs.next() ? rs.getString(1) : null;
      if (bound != null && !bound.equals(applier.id())) {
        throw new StoreException(StoreException.Kind.APPLIER_MISMATCH,
            "target " + target + " was set up with applier '" + bound + "', not '" + applier.id()
                + "'; retry its quarantined mutations with that applier");
      }
    }
  }

  private static @Nullable Long shadowSeq(Tx tx, String target, RemoteMutation m) throws SQLException {
    PreparedStatement ps = tx.statement(SHADOW_SEQ);
    ps.setString(1, target);
    ps.setString(2, m.project());
    ps.setString(3, m.entity());
    ps.setString(4, m.entityKey());
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next() ? rs.getLong(1) : null;
    }
  }
}
