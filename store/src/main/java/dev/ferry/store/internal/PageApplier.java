package dev.ferry.store.internal;

import dev.ferry.store.ApplyFailedException;
import dev.ferry.store.ApplyResult;
import dev.ferry.store.Fence;
import dev.ferry.store.Inbox;
import dev.ferry.store.MutationApplier;
import dev.ferry.store.PoisonMutationException;
import dev.ferry.store.RemoteMutation;
import dev.ferry.store.StoreException;
import dev.ferry.store.UnmappableMutation;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
  private static final String COUNT_APPLIED =
      "UPDATE ferry_targets SET total_applied = min(total_applied, 9223372036854775807 - ?1) + ?1"
          + " WHERE target = ?2";

  private static final Logger LOG = LoggerFactory.getLogger(PageApplier.class);
  private static final String RELEASE_SAVEPOINT = "ferry_release";
  private static final String PAGE_SAVEPOINT = "ferry_page";

  /**
   * What {@link #apply} did: the result of what committed, and the failure to report after the
   * commit (the mutations before a failing one are kept, the cursor waits before it).
   */
  public record Outcome(ApplyResult result, @Nullable ApplyFailedException failure) {}

  private final MutationApplier applier;

  public PageApplier(MutationApplier applier) {
    this.applier = applier;
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

  /**
   * Applies the page; the caller has checked the fence and owns the transaction.
   *
   * <p>The whole page is first tried at once, under a savepoint. When the applier fails, the
   * mutation that fails on its own is found ({@link PagePass#runApplier}) and:
   *
   * <ul>
   *   <li>a transient failure (busy database, interrupt), or one no single mutation causes, fails the
   *       page as a whole: {@link ApplyFailedException} is thrown and nothing of it remains;
   *   <li>a {@link dev.ferry.store.PoisonMutationException}, or the {@value Inbox#MAX_APPLY_ATTEMPTS}th
   *       failure of the same kind, moves that mutation to the inbound quarantine and the page is
   *       tried again without it;
   *   <li>an earlier failure is counted; what comes before the mutation is applied, the cursor
   *       stops before it, and the failure is returned to be thrown after the commit.
   * </ul>
   */
  public Outcome apply(Tx tx, Fence fence, List<RemoteMutation> page, List<UnmappableMutation> unmappable,
      long serverLatestSeq) throws SQLException {
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
    long pageEnd = page.isEmpty() ? cursor : page.get(page.size() - 1).serverSeq();
    int unmapped = 0;
    for (UnmappableMutation u : unmappable) {
      if (u.serverSeq() > cursor) {
        InboundQuarantine.put(tx, target, u, Inbox.UNMAPPABLE);
        LOG.warn("pulled mutation at server seq {} of target {} cannot be mapped ({}); quarantined, the cursor moves"
            + " past it (see 'ferry inbox list')", u.serverSeq(), target, u.reason());
        unmapped++;
        pageEnd = Math.max(pageEnd, u.serverSeq());
      }
    }
    Set<Long> excluded = new HashSet<>();
    while (true) {
      PagePass.execute(tx, "SAVEPOINT " + PAGE_SAVEPOINT);
      PagePass.Outcome pass = PagePass.run(tx, applier, target, cursor, page, excluded, Long.MAX_VALUE, pageEnd,
          unmapped, serverLatestSeq);
      if (!pass.failed()) {
        PagePass.execute(tx, "RELEASE " + PAGE_SAVEPOINT);
        return new Outcome(pass.result(), null);
      }
      PagePass.undo(tx, PAGE_SAVEPOINT);
      Exception error = pass.error();
      RemoteMutation culprit = pass.culprit();
      if (culprit == null) {
        throw wholePage(target, page, error, pass.transientFailure());
      }
      boolean poison = PagePass.poisoned(error, List.of(culprit)) != null;
      int attempts = poison ? 1 : InboundQuarantine.recordAttempt(tx, target, culprit.serverSeq(),
          error.getClass().getName(), String.valueOf(error));
      if (poison || attempts >= Inbox.MAX_APPLY_ATTEMPTS) {
        String code = poison ? Inbox.POISON : Inbox.APPLY_FAILED;
        InboundQuarantine.put(tx, target, culprit, code, messageOf(error), attempts);
        LOG.warn("pulled mutation at server seq {} of target {} ({}/{}/{}, op {}) quarantined as {} after {} attempt(s):"
            + " {}; the rest of the page is applied and the cursor moves past it (see 'ferry inbox list')",
            culprit.serverSeq(), target, culprit.project(), culprit.entity(), culprit.entityKey(), culprit.op(), code,
            attempts, messageOf(error));
        excluded.add(culprit.serverSeq());
        continue;
      }
      ApplyResult kept = applyBefore(tx, target, cursor, page, excluded, culprit, unmapped, serverLatestSeq);
      return new Outcome(kept, new ApplyFailedException(culprit.serverSeq(),
          "applier '" + applier.id() + "' failed on server seq " + culprit.serverSeq() + " of target " + target + " ("
              + culprit.project() + "/" + culprit.entity() + "/" + culprit.entityKey() + ", op " + culprit.op()
              + "), attempt " + attempts + " of " + Inbox.MAX_APPLY_ATTEMPTS + " before it is quarantined; the"
              + " mutations before it were applied and the cursor stops at " + kept.cursor() + ": " + error,
          error));
    }
  }

  /**
   * Applies what comes before {@code culprit} (nothing when it is a released shadow, which comes
   * before every page mutation) and moves the cursor to the last of it.
   */
  private ApplyResult applyBefore(Tx tx, String target, long cursor, List<RemoteMutation> page, Set<Long> excluded,
      RemoteMutation culprit, int unmapped, long serverLatestSeq) throws SQLException {
    ApplyResult nothing = new ApplyResult(0, 0, 0, 0, 0, 0, cursor, 0);
    if (culprit.serverSeq() <= cursor) {
      return nothing;
    }
    PagePass.execute(tx, "SAVEPOINT " + PAGE_SAVEPOINT);
    PagePass.Outcome before = PagePass.run(tx, applier, target, cursor, page, excluded, culprit.serverSeq() - 1,
        culprit.serverSeq() - 1, unmapped, serverLatestSeq);
    if (before.failed()) {
      // An applier that fails differently on the same mutations: keep nothing, retry next time.
      PagePass.undo(tx, PAGE_SAVEPOINT);
      return nothing;
    }
    PagePass.execute(tx, "RELEASE " + PAGE_SAVEPOINT);
    return before.result();
  }

  private ApplyFailedException wholePage(String target, List<RemoteMutation> page, Exception error,
      boolean transientFailure) {
    long first = page.isEmpty() ? 0 : page.get(0).serverSeq();
    long last = page.isEmpty() ? 0 : page.get(page.size() - 1).serverSeq();
    return new ApplyFailedException(first,
        "applier '" + applier.id() + "' failed on the page of target " + target + " (server seq " + first + ".."
            + last + ")" + (transientFailure ? " for a passing reason" : ", and no single mutation fails alone")
            + "; nothing of the page was applied and the cursor did not move: " + error,
        error);
  }

  /** A poison refusal's own message, else the exception with its type. */
  private static String messageOf(Exception e) {
    String m = e.getMessage();
    return e instanceof PoisonMutationException && m != null && !m.isBlank() ? m : e.toString();
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
    PagePass.execute(tx, "SAVEPOINT " + RELEASE_SAVEPOINT);
    List<RemoteMutation> winners = Protection.resolve(tx, target, keys);
    PagePass.Outcome failure = PagePass.runApplier(tx, applier, target, winners);
    if (failure != null) {
      PagePass.undo(tx, RELEASE_SAVEPOINT);
      LOG.warn("released shadows of target {} stay shadowed for the next page: {}", target, failure.error(),
          failure.error());
      return 0;
    }
    PagePass.execute(tx, "RELEASE " + RELEASE_SAVEPOINT);
    if (!winners.isEmpty()) {
      PreparedStatement count = tx.statement(COUNT_APPLIED);
      count.setLong(1, winners.size());
      count.setString(2, target);
      count.executeUpdate();
    }
    return winners.size();
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
}
