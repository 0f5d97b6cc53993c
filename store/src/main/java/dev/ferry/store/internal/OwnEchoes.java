package dev.ferry.store.internal;

import dev.ferry.store.Ack;
import dev.ferry.store.RemoteMutation;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * What a pulled mutation under this file's replica id (current or former) means for the local
 * tables.
 *
 * <p>An echo is this file's own write only when the local row with its client seq <em>is</em> that
 * write: acked at the echo's server seq, or with the same project, entity, key, op and payload.
 * Then it is the server's word that it stored the write at the echo's seq, exactly like a {@code
 * duplicate} push answer: a row still pending (its push answer was lost, or is not handled yet) is
 * acked by it, so an operator drop can no longer delete a write the server has ordered. The echo is
 * skipped, since the local tables hold the write, unless the write was {@link Released released}
 * from protection; then it goes through the applier under the normal rules.
 *
 * <p>Anything else is not this file's write and goes through the applier like a remote mutation.
 * Under the current id it also means that another history uses the id (the file was restored from
 * a backup or copied): {@link Verdict#CONFLICT}, and the caller takes a fresh id ({@link
 * ReplicaIds#rotate}). A row is never acked by an echo of different content.
 */
final class OwnEchoes {

  /** What to do with an echo. */
  enum Verdict {
    /** This file's write, held by the local tables: skip it. */
    OWN,
    /** Apply it like a remote mutation. */
    APPLY,
    /** Not this file's write although under its current id: take a fresh id, then apply it. */
    CONFLICT
  }

  /** Saturates at {@code Long.MAX_VALUE}: SQLite would turn an overflowing sum into a float. */
  private static final String COUNT_PUSHED =
      "UPDATE ferry_targets SET total_pushed = min(total_pushed, 9223372036854775806) + 1 WHERE target = ?";

  private static final String ROW =
      "SELECT state, server_seq, project, entity, entity_key, op, payload FROM ferry_mutations"
          + " WHERE seq = ? AND target = ?";

  private OwnEchoes() {}

  /**
   * Judges an echo, acking its row when that is pending and the same write (counting it out of
   * {@code pendingKeys}, the page's pending writes per key).
   *
   * @param current whether the echo is under the file's current id (else a former one)
   * @param highestSeq the highest local seq ever handed out
   */
  static Verdict judge(Tx tx, String target, RemoteMutation echo, boolean current, long highestSeq,
      Map<EntityKey, Integer> pendingKeys) throws SQLException {
    if (echo.clientSeq() < 1) {
      return current ? Verdict.CONFLICT : Verdict.APPLY;
    }
    PreparedStatement ps = tx.statement(ROW);
    ps.setLong(1, echo.clientSeq());
    ps.setString(2, target);
    String state;
    Long serverSeq;
    boolean same;
    try (ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        // Never written here (a restored file's lost future), or dropped (then released), or
        // pruned (then at or below the cursor, never pulled again).
        if (Released.take(tx, target, echo.clientSeq())) {
          return Verdict.APPLY;
        }
        return current && echo.clientSeq() > highestSeq ? Verdict.CONFLICT : current ? Verdict.OWN : Verdict.APPLY;
      }
      state = rs.getString(1);
      serverSeq = Rows.nullableLong(rs, 2);
      same = serverSeq != null && serverSeq == echo.serverSeq()
          || echo.project().equals(rs.getString(3)) && echo.entity().equals(rs.getString(4))
          && echo.entityKey().equals(rs.getString(5)) && echo.op().equals(rs.getString(6))
          && JsonText.sameValueText(echo.payloadJson(), rs.getString(7));
    }
    if (!same) {
      return current ? Verdict.CONFLICT : Verdict.APPLY;
    }
    if ("acked".equals(state) && !current && serverSeq != null && serverSeq != echo.serverSeq()) {
      // The same content stored twice (e.g. pushed again under the new id after a reset): this
      // copy is a distinct mutation in the server's order; the rules decide (an acked later one wins).
      return Verdict.APPLY;
    }
    List<Long> seq = List.of(echo.clientSeq());
    if ("pending".equals(state)
        && MutationWrites.ack(tx, target, List.of(new Ack(echo.clientSeq(), echo.serverSeq()))) == 1) {
      PreparedStatement pushed = tx.statement(COUNT_PUSHED);
      pushed.setString(1, target);
      pushed.executeUpdate();
      Protection.discardBeaten(tx, target, seq);
      for (EntityKey key : MutationWrites.keysOf(tx, target, seq)) {
        pendingKeys.computeIfPresent(key, (k, n) -> n > 1 ? n - 1 : null);
      }
    }
    return Released.take(tx, target, echo.clientSeq()) ? Verdict.APPLY : Verdict.OWN;
  }
}
