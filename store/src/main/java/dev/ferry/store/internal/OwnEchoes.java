package dev.ferry.store.internal;

import dev.ferry.store.Ack;
import dev.ferry.store.RemoteMutation;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * What a pulled mutation this replica wrote (an own echo) means for the local tables.
 *
 * <p>The echo is the server's word that it stored the write at the echo's seq, exactly like a
 * {@code duplicate} push answer: a row still pending (its push answer was lost, or is not handled
 * yet) is acked by it, so an operator drop can no longer delete a write the server has ordered.
 * The echo is skipped, since the local tables hold the write, unless the write was {@link Released
 * released} from protection; then it goes through the applier under the normal rules.
 */
final class OwnEchoes {

  /** Saturates at {@code Long.MAX_VALUE}: SQLite would turn an overflowing sum into a float. */
  private static final String COUNT_PUSHED =
      "UPDATE ferry_targets SET total_pushed = min(total_pushed, 9223372036854775806) + 1 WHERE target = ?";

  private OwnEchoes() {}

  /**
   * Acks the echo's row if it is pending (counting it out of {@code pendingKeys}, the page's
   * pending writes per key) and says whether the echo must be applied.
   */
  static boolean mustApply(Tx tx, String target, RemoteMutation echo, Map<EntityKey, Integer> pendingKeys)
      throws SQLException {
    if (echo.clientSeq() < 1) {
      return false;
    }
    List<Long> seq = List.of(echo.clientSeq());
    if (MutationWrites.ack(tx, target, List.of(new Ack(echo.clientSeq(), echo.serverSeq()))) == 1) {
      PreparedStatement pushed = tx.statement(COUNT_PUSHED);
      pushed.setString(1, target);
      pushed.executeUpdate();
      Protection.discardBeaten(tx, target, seq);
      for (EntityKey key : MutationWrites.keysOf(tx, target, seq)) {
        pendingKeys.computeIfPresent(key, (k, n) -> n > 1 ? n - 1 : null);
      }
    }
    return Released.take(tx, target, echo.clientSeq());
  }
}
