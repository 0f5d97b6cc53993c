package dev.ferry.store.internal;

import dev.ferry.store.ApplyFailedException;
import dev.ferry.store.ApplyResult;
import dev.ferry.store.Fence;
import dev.ferry.store.MutationApplier;
import dev.ferry.store.RemoteMutation;
import dev.ferry.store.StoreException;
import dev.ferry.store.TargetState;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies one pulled page and advances the cursor, inside the caller's fenced write transaction.
 * See {@link dev.ferry.store.FencedWriter#applyPage} for the rules.
 */
public final class PageApplier {

  private static final String TARGET_ROW =
      "SELECT last_pulled_seq, applier_id FROM ferry_targets WHERE target = ?";
  private static final String BIND_APPLIER = "UPDATE ferry_targets SET applier_id = ? WHERE target = ?";
  /** Totals saturate at {@code Long.MAX_VALUE}: SQLite would turn an overflowing sum into a float. */
  private static final String ADVANCE =
      "UPDATE ferry_targets SET last_pulled_seq = ?1, server_latest_seq = max(?2, ?1),"
          + " total_pulled = min(total_pulled, 9223372036854775807 - ?3) + ?3,"
          + " total_applied = min(total_applied, 9223372036854775807 - ?4) + ?4,"
          + " cursor_anchor = coalesce(?6, cursor_anchor) WHERE target = ?5";
  private static final String COUNT_APPLIED =
      "UPDATE ferry_targets SET total_applied = min(total_applied, 9223372036854775807 - ?1) + ?1"
          + " WHERE target = ?2";

  private static final Logger LOG = LoggerFactory.getLogger(PageApplier.class);
  private static final String RELEASE_SAVEPOINT = "ferry_release";

  private final MutationApplier applier;
  private final String replicaId;

  public PageApplier(MutationApplier applier, String replicaId) {
    this.applier = applier;
    this.replicaId = replicaId;
  }

  /** Checks the page's order before any transaction starts. */
  public static List<RemoteMutation> checkPage(List<RemoteMutation> page) {
    if (page == null) {
      throw new IllegalArgumentException("page must not be null");
    }
    long previous = 0;
    for (int i = 0; i < page.size(); i++) {
      RemoteMutation m = page.get(i);
      if (m == null) {
        throw new IllegalArgumentException("page[" + i + "] must not be null");
      }
      if (m.serverSeq() <= previous) {
        throw new IllegalArgumentException("page must be in strictly increasing serverSeq order, but page["
            + i + "] has serverSeq " + m.serverSeq() + " after " + previous);
      }
      previous = m.serverSeq();
    }
    return List.copyOf(page);
  }

  /** Applies the page; the caller has checked the fence and owns the transaction. */
  public ApplyResult apply(Tx tx, Fence fence, List<RemoteMutation> page, long serverLatestSeq)
      throws SQLException {
    String target = fence.target();
    tx.handle().attach(TargetDao.class).ensure(target);
    long cursor;
    String boundId;
    PreparedStatement row = tx.statement(TARGET_ROW);
    row.setString(1, target);
    try (ResultSet rs = row.executeQuery()) {
      rs.next();
      cursor = rs.getLong(1);
      boundId = rs.getString(2);
    }
    bindOrCheckApplier(tx, target, boundId);

    List<RemoteMutation> toApply = new ArrayList<>(Protection.resolveAll(tx, target));
    int released = toApply.size();
    // Usually none of these exists (the loop pushes before it pulls) and every mutation goes
    // straight on, own echoes without a look-up.
    Map<EntityKey, Integer> pendingKeys =
        Protection.anyPending(tx, target) ? Protection.pendingKeys(tx, target) : new HashMap<>();
    boolean ackedAbove = Protection.anyAckedAbove(tx, target, cursor);
    boolean echoesNeedLookup = !pendingKeys.isEmpty() || Released.any(tx, target);
    int own = 0;
    int shadowed = 0;
    int superseded = 0;
    int skipped = 0;
    long newCursor = cursor;
    String anchor = null;
    for (RemoteMutation m : page) {
      if (m.serverSeq() <= cursor) {
        skipped++;
        continue;
      }
      newCursor = m.serverSeq();
      anchor = TargetState.anchorOf(m.replicaId(), m.clientSeq());
      if (m.replicaId().equals(replicaId)
          && !(echoesNeedLookup && OwnEchoes.mustApply(tx, target, m, pendingKeys))) {
        own++;
        continue;
      }
      if (ackedAbove && Protection.maxAcked(tx, target, m.project(), m.entity(), m.entityKey()) > m.serverSeq()) {
        superseded++;
        continue;
      }
      if (!pendingKeys.isEmpty() && pendingKeys.containsKey(new EntityKey(m.project(), m.entity(), m.entityKey()))) {
        Protection.putShadow(tx, target, m);
        shadowed++;
        continue;
      }
      toApply.add(m);
    }
    runApplier(tx, target, toApply);
    PreparedStatement advance = tx.statement(ADVANCE);
    advance.setLong(1, newCursor);
    advance.setLong(2, serverLatestSeq);
    advance.setLong(3, page.size() - skipped);
    advance.setLong(4, toApply.size());
    advance.setString(5, target);
    advance.setString(6, anchor);
    advance.executeUpdate();
    return new ApplyResult(toApply.size(), own, shadowed, superseded, skipped, released, newCursor);
  }

  /**
   * Resolves the shadows of keys whose protection an ack, quarantine or drop may have lifted, and
   * applies the winners. Skipped (left for the next page's sweep) when the target is bound to a
   * different applier, so an ack never fails for that.
   *
   * <p>Runs under a savepoint: when the applier throws, the release is undone and the shadows stay
   * for the next page, which applies them or reports the failure on the pull side. The caller's
   * ack, quarantine or drop still commits; failing it would push the same batch forever.
   *
   * @return how many shadows were applied
   */
  public int release(Tx tx, String target, Collection<EntityKey> keys) throws SQLException {
    if (keys.isEmpty() || !Protection.anyShadow(tx, target)) {
      return 0;
    }
    PreparedStatement row = tx.statement(TARGET_ROW);
    row.setString(1, target);
    String boundId;
    try (ResultSet rs = row.executeQuery()) {
      if (!rs.next()) {
        return 0;
      }
      boundId = rs.getString(2);
    }
    if (boundId != null && !boundId.equals(applier.id())) {
      return 0;
    }
    execute(tx, "SAVEPOINT " + RELEASE_SAVEPOINT);
    List<RemoteMutation> winners;
    try {
      winners = Protection.resolve(tx, target, keys);
      runApplier(tx, target, winners);
    } catch (ApplyFailedException e) {
      execute(tx, "ROLLBACK TO " + RELEASE_SAVEPOINT);
      execute(tx, "RELEASE " + RELEASE_SAVEPOINT);
      LOG.warn("released shadows of target {} stay shadowed for the next page: {}", target, e.getMessage(), e);
      return 0;
    }
    execute(tx, "RELEASE " + RELEASE_SAVEPOINT);
    if (!winners.isEmpty()) {
      PreparedStatement count = tx.statement(COUNT_APPLIED);
      count.setLong(1, winners.size());
      count.setString(2, target);
      count.executeUpdate();
    }
    return winners.size();
  }

  private static void execute(Tx tx, String sql) throws SQLException {
    try (Statement s = tx.connection().createStatement()) {
      s.execute(sql);
    }
  }

  private void bindOrCheckApplier(Tx tx, String target, @Nullable String boundId) throws SQLException {
    String id = applier.id();
    if (boundId == null) {
      DocumentSql.checkOneTarget(tx, target, id);
      PreparedStatement bind = tx.statement(BIND_APPLIER);
      bind.setString(1, id);
      bind.setString(2, target);
      bind.executeUpdate();
    } else if (!boundId.equals(id)) {
      throw new StoreException(StoreException.Kind.APPLIER_MISMATCH,
          "target " + target + " was set up with applier '" + boundId + "' but this page came with '" + id
              + "'; applying it would move the cursor past mutations the first applier never saw"
              + " (if the applier was renamed on purpose, call targets().bindApplier)");
    }
  }

  private void runApplier(Tx tx, String target, List<RemoteMutation> mutations) {
    if (mutations.isEmpty()) {
      return;
    }
    try {
      applier.applyAll(new TxApplyContext(tx.handle(), target), List.copyOf(mutations));
    } catch (Exception e) {
      long first = mutations.get(0).serverSeq();
      long last = mutations.get(mutations.size() - 1).serverSeq();
      throw new ApplyFailedException(first,
          "applier '" + applier.id() + "' failed on " + mutations.size() + " mutations of target " + target
              + " (server seq " + first + ".." + last + "); nothing of the page was applied and the cursor"
              + " did not move: " + e,
          e);
    }
  }
}
