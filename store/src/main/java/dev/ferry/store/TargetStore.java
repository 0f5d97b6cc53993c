package dev.ferry.store;

import dev.ferry.store.internal.Checks;
import dev.ferry.store.internal.Db;
import dev.ferry.store.internal.DocumentSql;
import dev.ferry.store.internal.TargetDao;
import java.util.Collections;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Per-target settings and state that outlive the process: the persisted sync state, enrollment,
 * the named pause reasons and the applier the target was set up with. Changes here need no lease
 * (an operator may pause a target while its sync loop runs) and each runs in its own short {@code
 * BEGIN IMMEDIATE} transaction. Thread-safe.
 */
public final class TargetStore {

  /**
   * The pause reason the store sets when the server's log was replaced and the target's applier
   * cannot reset its synced state ({@link MutationApplier#resetSynced}): sync waits until an
   * operator resyncs ({@link FencedWriter#resync}, {@code ferry resync}).
   */
  public static final String RESYNC_REQUIRED = "resync_required";

  /** The longest accepted pause reason, in chars. */
  public static final int MAX_REASON_LENGTH = 200;

  private final Db db;

  TargetStore(Db db) {
    this.db = db;
  }

  /** The target's persisted state; {@link TargetState#initial} when it never synced. */
  public TargetState state(String target) {
    Checks.text(target, "target");
    return db.read("reading the state of target " + target, tx ->
        tx.handle().attach(TargetDao.class).state(target).orElseGet(() -> TargetState.initial(target)));
  }

  /** Switches between syncing every project and only enrolled ones. */
  public void setEnrollment(String target, EnrollmentMode mode) {
    Checks.text(target, "target");
    Objects.requireNonNull(mode, "mode must not be null");
    db.write("setting the enrollment of target " + target, tx -> {
      TargetDao dao = tx.handle().attach(TargetDao.class);
      dao.ensure(target);
      dao.setEnrollment(target, mode.wireName());
      return null;
    });
  }

  /** Enrolls a project (meaningful under {@link EnrollmentMode#EXPLICIT}); returns whether it was new. */
  public boolean enroll(String target, String project) {
    Checks.text(target, "target");
    Checks.text(project, "project");
    return db.write("enrolling project " + project, tx -> tx.handle().attach(TargetDao.class).enroll(target, project) == 1);
  }

  /** Removes a project's enrollment; returns whether it was enrolled. */
  public boolean unenroll(String target, String project) {
    Checks.text(target, "target");
    Checks.text(project, "project");
    return db.write("unenrolling project " + project,
        tx -> tx.handle().attach(TargetDao.class).unenroll(target, project) == 1);
  }

  /** The enrolled projects, sorted. */
  public Set<String> enrolledProjects(String target) {
    Checks.text(target, "target");
    return sorted(db.read("reading enrolled projects", tx -> tx.handle().attach(TargetDao.class).enrolled(target)));
  }

  /**
   * Adds a named pause reason, e.g. {@code upgrade:notes} or {@code user}. Sync runs only while the
   * target has none. Persisted, so a pause survives restarts.
   *
   * @param reason non-blank, at most {@value #MAX_REASON_LENGTH} chars
   * @return whether the reason was new
   */
  public boolean addPauseReason(String target, String reason) {
    Checks.text(target, "target");
    checkReason(reason);
    return db.write("pausing target " + target,
        tx -> tx.handle().attach(TargetDao.class).addPauseReason(target, reason, tx.now()) == 1);
  }

  /** Removes a pause reason; returns whether it was there. */
  public boolean removePauseReason(String target, String reason) {
    Checks.text(target, "target");
    checkReason(reason);
    return db.write("resuming target " + target,
        tx -> tx.handle().attach(TargetDao.class).removePauseReason(target, reason) == 1);
  }

  /** The target's pause reasons, sorted; empty means sync may run. */
  public Set<String> pauseReasons(String target) {
    Checks.text(target, "target");
    return sorted(db.read("reading pause reasons", tx -> tx.handle().attach(TargetDao.class).pauseReasons(target)));
  }

  /**
   * The id of the applier the target was set up with: recorded by its first pulled page (or by
   * {@link #bindApplier}). {@code ferry sync} pulls only into a target bound to {@link
   * DocumentApplier#ID}.
   */
  public Optional<String> applierId(String target) {
    return Optional.ofNullable(state(target).applierId());
  }

  /**
   * Records which applier the target is set up with, replacing any earlier one. Use it when an
   * applier's id changed on purpose; pages applied with another id are refused.
   *
   * @throws StoreException {@code APPLIER_MISMATCH} when binding {@link DocumentApplier#ID} while
   *     another target is set up with it: {@code ferry_documents} follows one target
   */
  public void bindApplier(String target, String applierId) {
    Checks.text(target, "target");
    Checks.text(applierId, "applierId");
    db.write("binding the applier of target " + target, tx -> {
      DocumentSql.checkOneTarget(tx, target, applierId);
      TargetDao dao = tx.handle().attach(TargetDao.class);
      dao.ensure(target);
      dao.bindApplier(target, applierId);
      return null;
    });
  }

  private static Set<String> sorted(Set<String> values) {
    return Collections.unmodifiableSet(new TreeSet<>(values));
  }

  private static void checkReason(String reason) {
    Checks.text(reason, "reason");
    if (reason.length() > MAX_REASON_LENGTH) {
      throw new IllegalArgumentException(
          "reason must be at most " + MAX_REASON_LENGTH + " chars but was " + reason.length());
    }
  }
}
