package dev.ferry.store.internal;

import dev.ferry.store.ApplyResult;
import dev.ferry.store.MutationApplier;
import dev.ferry.store.PoisonMutationException;
import dev.ferry.store.RemoteMutation;
import dev.ferry.store.StoreBusyException;
import dev.ferry.store.StoreException;
import dev.ferry.store.TargetState;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One pass over a pulled page inside the page transaction: decides for each mutation (skip, own
 * echo, superseded, shadow, apply), runs the applier, advances the cursor. A pass whose applier
 * fails changes nothing the caller keeps: the caller rolls back to its savepoint and decides (see
 * {@link PageApplier}); the pass only finds out which mutation failed.
 */
final class PagePass {

  /**
   * What a pass found: a result, or the applier's failure.
   *
   * @param culprit the mutation that failed on its own, or null when none could be singled out
   * @param transientFailure whether the failure may heal by itself (a busy database, an interrupt)
   */
  record Outcome(@Nullable ApplyResult result, @Nullable RemoteMutation culprit, @Nullable Exception error,
      boolean transientFailure) {

    static Outcome ok(ApplyResult result) {
      return new Outcome(result, null, null, false);
    }

    boolean failed() {
      return error != null;
    }
  }

  /** Totals saturate at {@code Long.MAX_VALUE}: SQLite would turn an overflowing sum into a float. */
  private static final String ADVANCE =
      "UPDATE ferry_targets SET last_pulled_seq = ?1, server_latest_seq = max(?2, ?1),"
          + " total_pulled = min(total_pulled, 9223372036854775807 - ?3) + ?3,"
          + " total_applied = min(total_applied, 9223372036854775807 - ?4) + ?4,"
          // The anchor names the mutation at the new cursor; null when the cursor moved past one the
          // page does not carry (an unmappable row), which only switches the anchor check off.
          + " cursor_anchor = CASE WHEN ?1 = last_pulled_seq THEN cursor_anchor ELSE ?6 END WHERE target = ?5";

  private static final String APPLY_SAVEPOINT = "ferry_apply";
  private static final String ONE_SAVEPOINT = "ferry_apply_one";

  private PagePass() {}

  /**
   * Runs the pass.
   *
   * @param excluded server seqs quarantined by the caller: skipped, but the cursor moves past them
   * @param upTo handle page mutations up to this seq only (the cursor stops at the last one handled)
   * @param pageEnd where the cursor goes when the whole page is handled (at least its last seq)
   * @param alreadyQuarantined quarantined before the pass (unmappable ones), counted in the result
   */
  static Outcome run(Tx tx, MutationApplier applier, String target, long cursor, List<RemoteMutation> page,
      Set<Long> excluded, long upTo, long pageEnd, int alreadyQuarantined, long serverLatestSeq)
      throws SQLException {
    List<RemoteMutation> toApply = new ArrayList<>(Protection.resolveAll(tx, target));
    int released = toApply.size();
    // Usually none of these exists (the loop pushes before it pulls) and every mutation goes
    // straight on.
    Map<EntityKey, Integer> pendingKeys =
        Protection.anyPending(tx, target) ? Protection.pendingKeys(tx, target) : new HashMap<>();
    boolean ackedAbove = Protection.anyAckedAbove(tx, target, cursor);
    Set<EntityKey> quarantinedKeys =
        InboundQuarantine.any(tx, target) ? InboundQuarantine.allKeys(tx, target) : Set.of();
    String current = ReplicaIds.current(tx);
    Set<String> former = ReplicaIds.former(tx);
    long highestSeq = -1;
    for (RemoteMutation m : toApply) {
      markNewer(tx, target, quarantinedKeys, m);
    }
    int own = 0;
    int shadowed = 0;
    int superseded = 0;
    int skipped = 0;
    int quarantined = alreadyQuarantined;
    int handled = 0;
    long newCursor = cursor;
    String anchor = null;
    for (RemoteMutation m : page) {
      if (m.serverSeq() <= cursor) {
        skipped++;
        continue;
      }
      if (m.serverSeq() > upTo) {
        break;
      }
      newCursor = m.serverSeq();
      anchor = TargetState.anchorOf(m.replicaId(), m.clientSeq());
      handled++;
      if (excluded.contains(m.serverSeq())) {
        quarantined++;
        continue;
      }
      markNewer(tx, target, quarantinedKeys, m);
      boolean mine = m.replicaId().equals(current);
      if (mine || former.contains(m.replicaId())) {
        if (highestSeq < 0) {
          highestSeq = OutboxQueries.highestSeq(tx);
        }
        OwnEchoes.Verdict v = OwnEchoes.judge(tx, target, m, mine, highestSeq, pendingKeys);
        if (v == OwnEchoes.Verdict.OWN) {
          own++;
          continue;
        }
        if (v == OwnEchoes.Verdict.CONFLICT) {
          former.add(current);
          current = ReplicaIds.rotate(tx, "the server holds a different write under this file's replica id (server"
              + " seq " + m.serverSeq() + ", client seq " + m.clientSeq() + "): the file was restored from a backup"
              + " or copied");
        }
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
    Outcome failure = runApplier(tx, applier, target, toApply);
    if (failure != null) {
      return failure;
    }
    if (upTo == Long.MAX_VALUE && pageEnd > newCursor) {
      newCursor = pageEnd;
      anchor = null;
    }
    PreparedStatement advance = tx.statement(ADVANCE);
    advance.setLong(1, newCursor);
    advance.setLong(2, serverLatestSeq);
    advance.setLong(3, handled + alreadyQuarantined);
    advance.setLong(4, toApply.size());
    advance.setString(5, target);
    advance.setString(6, anchor);
    advance.executeUpdate();
    InboundQuarantine.clearAttemptsUpTo(tx, target, newCursor);
    return Outcome.ok(new ApplyResult(toApply.size(), own, shadowed, superseded, skipped, released, newCursor,
        quarantined));
  }

  private static void markNewer(Tx tx, String target, Set<EntityKey> quarantinedKeys, RemoteMutation m)
      throws SQLException {
    if (quarantinedKeys.isEmpty()) {
      return;
    }
    EntityKey key = new EntityKey(m.project(), m.entity(), m.entityKey());
    if (quarantinedKeys.contains(key)) {
      InboundQuarantine.markNewer(tx, target, key, m.serverSeq());
    }
  }

  /**
   * Runs the applier on {@code mutations} under a savepoint. When it throws, its writes are undone
   * and the mutation that fails on its own is searched for: the one a {@link
   * PoisonMutationException} names, else each is applied alone in order until one fails.
   *
   * @return null when the applier succeeded, else the failure
   */
  static @Nullable Outcome runApplier(Tx tx, MutationApplier applier, String target, List<RemoteMutation> mutations)
      throws SQLException {
    if (mutations.isEmpty()) {
      return null;
    }
    TxApplyContext context = new TxApplyContext(tx.handle(), target);
    execute(tx, "SAVEPOINT " + APPLY_SAVEPOINT);
    try {
      applier.applyAll(context, List.copyOf(mutations));
      execute(tx, "RELEASE " + APPLY_SAVEPOINT);
      return null;
    } catch (Exception e) {
      undo(tx, APPLY_SAVEPOINT);
      if (isTransient(e)) {
        return new Outcome(null, null, e, true);
      }
      RemoteMutation named = poisoned(e, mutations);
      if (named != null) {
        return new Outcome(null, named, e, false);
      }
      if (mutations.size() == 1) {
        return new Outcome(null, mutations.get(0), e, false);
      }
      for (RemoteMutation m : mutations) {
        execute(tx, "SAVEPOINT " + ONE_SAVEPOINT);
        try {
          applier.applyAll(context, List.of(m));
          execute(tx, "RELEASE " + ONE_SAVEPOINT);
        } catch (Exception alone) {
          undo(tx, ONE_SAVEPOINT);
          return new Outcome(null, isTransient(alone) ? null : m, alone, isTransient(alone));
        }
      }
      // Each applies alone, together they fail: nothing to single out.
      return new Outcome(null, null, e, false);
    }
  }

  /** The mutation a {@link PoisonMutationException} in the cause chain names, if it is among these. */
  static @Nullable RemoteMutation poisoned(Throwable e, List<RemoteMutation> mutations) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof PoisonMutationException p) {
        for (RemoteMutation m : mutations) {
          if (m.serverSeq() == p.serverSeq()) {
            return m;
          }
        }
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }

  /** A failure that may heal by itself: a busy or locked database, an interrupt, a closed store. */
  static boolean isTransient(Throwable e) {
    if (Thread.currentThread().isInterrupted() || SqliteErrors.isBusy(e)) {
      return true;
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof StoreBusyException || t instanceof InterruptedException) {
        return true;
      }
      if (t instanceof StoreException s
          && (s.kind() == StoreException.Kind.INTERRUPTED || s.kind() == StoreException.Kind.CLOSED)) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  static void execute(Tx tx, String sql) throws SQLException {
    try (Statement s = tx.connection().createStatement()) {
      s.execute(sql);
    }
  }

  static void undo(Tx tx, String savepoint) throws SQLException {
    execute(tx, "ROLLBACK TO " + savepoint);
    execute(tx, "RELEASE " + savepoint);
  }
}
