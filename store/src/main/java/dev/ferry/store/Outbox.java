package dev.ferry.store;

import dev.ferry.store.internal.Checks;
import dev.ferry.store.internal.Db;
import dev.ferry.store.internal.MutationWrites;
import dev.ferry.store.internal.OutboxQueries;
import dev.ferry.store.internal.Pruning;
import dev.ferry.store.internal.Recorder;
import dev.ferry.store.internal.Released;
import java.sql.Connection;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * The outbox ({@code ferry_mutations}): recording local writes in the host's transactions, the
 * sync loop's reads, and the operator's requeue/drop/prune.
 *
 * <p>Recording happens on the host's handle or connection, inside the host's transaction: the
 * host commits data and mutation together (transactional outbox) and calls {@code notifyDirty()}
 * after the commit. A rolled-back host transaction leaves no mutation. Hosts should begin write
 * transactions with {@code BEGIN IMMEDIATE} ({@link ImmediateTransactionHandler}); a deferred one
 * can meet {@code SQLITE_BUSY} when it upgrades to writing, reported as {@link StoreBusyException}.
 *
 * <p>Reads use the store's reader connection and see committed data only. Operator changes run in
 * their own {@code BEGIN IMMEDIATE} transactions without a lease, and are safe while a sync loop
 * runs: a later ack of a dropped row does nothing. Thread-safe.
 */
public final class Outbox {

  private static final int PRUNE_STEP = 1_000;

  private final Db db;
  private final Recorder recorder;

  Outbox(Db db, Recorder recorder) {
    this.db = db;
    this.recorder = recorder;
  }

  /**
   * Records one mutation in the host's open transaction (or on its own when the handle is in
   * autocommit mode).
   *
   * @return the mutation's local seq
   * @throws IllegalArgumentException naming the field, when the payload is not valid JSON or is
   *     larger than {@link StoreConfig#maxPayloadBytes()}; nothing is written
   * @throws StoreBusyException when the host's deferred transaction could not take the write lock
   */
  public long record(Handle hostHandle, MutationDraft draft) {
    return recorder.record(Objects.requireNonNull(hostHandle, "hostHandle must not be null").getConnection(), draft);
  }

  /** Like {@link #record(Handle, MutationDraft)} on a plain JDBC connection of the same database. */
  public long record(Connection hostConnection, MutationDraft draft) {
    return recorder.record(hostConnection, draft);
  }

  /**
   * Records several mutations, all or nothing: every draft is validated first, and the inserts run
   * under a savepoint, so an error leaves the host's transaction as it was.
   *
   * @return the local seqs, in the drafts' order
   * @throws IllegalArgumentException naming the draft's index and field, e.g. {@code
   *     drafts[3].payloadJson is not valid JSON: ...}; nothing is written
   */
  public long[] recordAll(Handle hostHandle, List<MutationDraft> drafts) {
    return recorder.recordAll(
        Objects.requireNonNull(hostHandle, "hostHandle must not be null").getConnection(), drafts);
  }

  /**
   * Up to {@code limit} pushable pending mutations with seq above {@code afterSeq}, in seq order,
   * leaving out projects in {@code heldBackProjects} and, when the target uses explicit
   * enrollment, projects that are not enrolled.
   *
   * <p>A corrupt row (blank project, entity, key or op, or a payload that is not valid JSON,
   * typically written by hand) is never returned and never stops the scan: it is listed in {@link
   * PendingBatch#corrupt()} so the loop can quarantine it with code {@link CorruptRow#CODE}, and
   * the batch is still filled up to {@code limit} with the rows after it.
   *
   * @param limit 1 or more
   */
  public PendingBatch pending(String target, long afterSeq, int limit, Set<String> heldBackProjects) {
    Checks.text(target, "target");
    Checks.notNegative(afterSeq, "afterSeq");
    Checks.positive(limit, "limit");
    Set<String> heldBack = Set.copyOf(Objects.requireNonNull(heldBackProjects, "heldBackProjects must not be null"));
    return db.read("reading pending mutations",
        tx -> OutboxQueries.pending(tx, target, afterSeq, limit, heldBack));
  }

  /** Pending mutations of the target, including non-enrolled and corrupt ones. */
  public long pendingCount(String target) {
    Checks.text(target, "target");
    return db.read("counting pending mutations", tx -> OutboxQueries.pendingCount(tx, target));
  }

  /** Quarantined mutations of the target. */
  public long quarantinedCount(String target) {
    Checks.text(target, "target");
    return db.read("counting quarantined mutations", tx -> OutboxQueries.quarantinedCount(tx, target));
  }

  /**
   * Pending counts of projects that are not enrolled, by project name in sorted order; empty
   * unless the target uses {@link EnrollmentMode#EXPLICIT}.
   */
  public Map<String, Long> nonEnrolledPendingByProject(String target) {
    Checks.text(target, "target");
    return Map.copyOf(db.read("counting non-enrolled mutations",
        tx -> OutboxQueries.nonEnrolledPendingByProject(tx, target)));
  }

  /** The {@code created_at} (epoch ms) of the oldest pending mutation, empty when none is pending. */
  public OptionalLong oldestPendingCreatedAt(String target) {
    Checks.text(target, "target");
    Long oldest = db.read("reading the oldest pending mutation", tx -> OutboxQueries.oldestPendingCreatedAt(tx, target));
    return oldest == null ? OptionalLong.empty() : OptionalLong.of(oldest);
  }

  /**
   * The highest seq ever handed out, for every target (pruning never lowers it). One indexed read:
   * with {@link SyncStore#dataVersion()} it tells cheaply whether another process recorded
   * something.
   */
  public long highestSeq() {
    return db.read("reading the highest seq", OutboxQueries::highestSeq);
  }

  /** The first {@code limit} rows of a state in seq order, as stored (corrupt rows included). */
  public List<PendingMutation> list(String target, MutationState state, int limit) {
    return list(target, state, 0, limit);
  }

  /** Like {@link #list(String, MutationState, int)}, for rows with seq above {@code afterSeq}. */
  public List<PendingMutation> list(String target, MutationState state, long afterSeq, int limit) {
    Checks.text(target, "target");
    Checks.notNull(state, "state");
    Checks.notNegative(afterSeq, "afterSeq");
    Checks.positive(limit, "limit");
    return List.copyOf(db.read("listing mutations", tx -> OutboxQueries.list(tx, target, state, afterSeq, limit)));
  }

  /**
   * The current state of each of {@code seqs} that exists, in one read snapshot: what an operator
   * tool checks before {@link #requeue} or {@link #drop}, so a list with a typo changes nothing. A
   * seq that was never recorded, or was pruned or dropped, has no entry.
   *
   * @throws IllegalArgumentException for a seq below 1
   */
  public Map<Long, MutationState> states(Collection<Long> seqs) {
    List<Long> checked = checkSeqs(seqs);
    return Collections.unmodifiableMap(db.read("reading mutation states", tx -> OutboxQueries.states(tx, checked)));
  }

  /**
   * Operator requeue (no lease needed): moves quarantined rows back to pending with attempts
   * reset. Rows that are not quarantined are left alone. Remote writes of the key may have been
   * applied while the row was quarantined, so its echo is applied once the server stores it: the
   * replica ends on the server's order.
   *
   * @return how many rows moved
   */
  public int requeue(Collection<Long> seqs) {
    List<Long> checked = checkSeqs(seqs);
    return db.write("requeueing mutations", tx -> MutationWrites.requeue(tx, null, checked));
  }

  /**
   * Operator drop (no lease needed): deletes pending or quarantined rows; acked rows stay. A shadow
   * the dropped row protected is applied by the sync loop's next page. A dropped row may already be
   * in flight; if the server stores it after all, its echo is applied when pulled, so the replica
   * still ends on the server's order.
   *
   * @return how many rows were deleted
   */
  public int drop(Collection<Long> seqs) {
    List<Long> checked = checkSeqs(seqs);
    return db.write("dropping mutations", tx -> MutationWrites.drop(tx, null, checked));
  }

  /**
   * Deletes acked rows of the target that the cursor has passed ({@code server_seq <=
   * last_pulled_seq}) and that are older than {@link StoreConfig#retention()}, in steps of {@value
   * #PRUNE_STEP} rows (see {@link #pruneStep}). Needs no lease: what it deletes can no longer
   * protect anything. Also forgets dropped writes whose echo never came within the retention (the
   * server never stored them). The sync loop does this by itself; this is for tools.
   *
   * @return how many acked rows were deleted
   */
  public int prune(String target) {
    int total = 0;
    while (true) {
      int n = pruneStep(target, PRUNE_STEP);
      total += n;
      if (n < PRUNE_STEP) {
        return total;
      }
    }
  }

  /**
   * One short step of {@link #prune}: up to {@code limit} prunable acked rows, oldest server seq
   * first, and, once no acked row is left to prune, up to {@code limit} forgotten dropped writes.
   * The rows are found on the read connection, so the search never holds the write lock; only the
   * deletion of exactly those rows does, a time that grows with {@code limit} alone.
   *
   * @param limit 1 to 100,000
   * @return how many acked rows were deleted; fewer than {@code limit} means none is left for now
   */
  public int pruneStep(String target, int limit) {
    Checks.text(target, "target");
    if (limit < 1 || limit > 100_000) {
      throw new IllegalArgumentException("limit must be between 1 and 100000 but was " + limit);
    }
    long cutoff = db.config().clock().millis() - db.config().retention().toMillis();
    List<Long> seqs = db.read("finding prunable mutations", tx -> Pruning.ackedCandidates(tx, target, cutoff, limit));
    int deleted = seqs.isEmpty() ? 0 : db.write("pruning " + seqs.size() + " acked mutations",
        tx -> Pruning.deleteAcked(tx, seqs, cutoff));
    if (seqs.size() < limit) {
      db.write("pruning released writes", tx -> Released.prune(tx, target, cutoff, limit));
    }
    return deleted;
  }

  static List<Long> checkSeqs(Collection<Long> seqs) {
    Objects.requireNonNull(seqs, "seqs must not be null");
    List<Long> copy = List.copyOf(seqs);
    for (long seq : copy) {
      Checks.positive(seq, "seq");
    }
    return copy;
  }
}
