package dev.ferry.store;

import dev.ferry.store.internal.Checks;
import dev.ferry.store.internal.Db;
import dev.ferry.store.internal.EntityKey;
import dev.ferry.store.internal.Fencing;
import dev.ferry.store.internal.LogResets;
import dev.ferry.store.internal.MutationWrites;
import dev.ferry.store.internal.PageApplier;
import dev.ferry.store.internal.Protection;
import dev.ferry.store.internal.ReplicaIds;
import dev.ferry.store.internal.TargetDao;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The sync loop's writes under one lease. Every method runs one {@code BEGIN IMMEDIATE}
 * transaction on the store's writer connection that first checks {@code owner = fence.owner AND
 * epoch = fence.epoch AND expires_at > now}; when that fails it throws {@link LeaseLostException}
 * and nothing changes. Obtain one per lease epoch from {@link SyncStore#fenced}. Thread-safe.
 *
 * <p>The applier is needed beyond {@link #applyPage}: an ack, quarantine or drop can lift the
 * protection of a key whose newer remote write was held back as a shadow, and that write must then
 * be applied in the same transaction (see {@link #applyPage} for the rules). An applier failure
 * there never fails the ack, quarantine or drop: the shadow waits for the next page.
 */
public final class FencedWriter {

  private final Db db;
  private final Fence fence;
  private final PageApplier pages;
  private final MutationApplier applier;

  FencedWriter(Db db, Fence fence, MutationApplier applier) {
    this.db = db;
    this.fence = Objects.requireNonNull(fence, "fence must not be null");
    this.applier = Objects.requireNonNull(applier, "applier must not be null");
    this.pages = new PageApplier(applier);
  }

  /** The fence every write checks. */
  public Fence fence() {
    return fence;
  }

  /**
   * Records the server's {@code accepted}/{@code duplicate} answers: state {@code acked} and the
   * server seq. Only pending rows change: rows already acked, quarantined (they stay until an
   * operator requeues or drops them), dropped, or of another target are left alone. A shadowed
   * remote write with a lower server seq than the ack is discarded at once, even while another
   * local write keeps its key pending; where no local write of the key stays pending, a shadow
   * with a higher server seq than every acked local write of the key is applied now (the server
   * order says it won).
   *
   * <p>If the applier throws on a released shadow, the ack still commits and the shadow stays; the
   * next {@link #applyPage} applies it or reports the failure.
   *
   * @return how many rows became acked
   * @throws LeaseLostException if the fence is stale; nothing changed
   */
  public int ack(List<Ack> acks) {
    List<Ack> copy = List.copyOf(Objects.requireNonNull(acks, "acks must not be null"));
    if (copy.isEmpty()) {
      return 0;
    }
    List<Long> seqs = copy.stream().map(Ack::seq).toList();
    return db.write("acking " + copy.size() + " mutations", tx -> {
      Fencing.check(tx, fence);
      TargetDao targets = tx.handle().attach(TargetDao.class);
      targets.ensure(fence.target());
      int acked = MutationWrites.ack(tx, fence.target(), copy);
      if (acked > 0) {
        targets.addPushed(fence.target(), acked);
        Protection.discardBeaten(tx, fence.target(), seqs);
        // Most acks find no shadow at all; then the keys need not be read.
        if (Protection.anyShadow(tx, fence.target())) {
          pages.release(tx, fence.target(), MutationWrites.keysOf(tx, fence.target(), seqs));
        }
      }
      return acked;
    });
  }

  /**
   * Quarantines a pending mutation the server refused for good (or a corrupt row): it stops
   * counting as pending, never blocks the queue, and stays until an operator requeues or drops it.
   * If that leaves its key without a pending local write, the key's shadowed remote write is
   * applied now when it wins (or, if the applier throws, by the next page).
   *
   * @param code the classified reason, e.g. {@code validation_error} or {@link CorruptRow#CODE}
   * @param message human text
   * @return whether the row was pending and is now quarantined
   * @throws LeaseLostException if the fence is stale; nothing changed
   */
  public boolean quarantine(long seq, String code, String message) {
    Checks.positive(seq, "seq");
    Checks.text(code, "code");
    Objects.requireNonNull(message, "message must not be null");
    return db.write("quarantining mutation " + seq, tx -> {
      Fencing.check(tx, fence);
      Set<EntityKey> keys = MutationWrites.keysOf(tx, fence.target(), List.of(seq));
      boolean done = MutationWrites.quarantine(tx, fence.target(), seq, code, message);
      if (done) {
        pages.release(tx, fence.target(), keys);
      }
      return done;
    });
  }

  /**
   * Counts a retryable refusal: attempts + 1 and the error text on pending rows, which stay pending.
   *
   * @return how many rows were updated
   * @throws LeaseLostException if the fence is stale; nothing changed
   */
  public int noteRetry(Collection<Long> seqs, String error) {
    List<Long> checked = Outbox.checkSeqs(seqs);
    Objects.requireNonNull(error, "error must not be null");
    return db.write("noting a retry of " + checked.size() + " mutations", tx -> {
      Fencing.check(tx, fence);
      return MutationWrites.noteRetry(tx, fence.target(), checked, error);
    });
  }

  /**
   * Moves quarantined rows of the target back to pending (attempts reset). Their echo will be
   * applied (see {@link #applyPage}), since remote writes may have landed while they were
   * quarantined.
   *
   * @return how many rows moved
   * @throws LeaseLostException if the fence is stale; nothing changed
   */
  public int requeue(Collection<Long> seqs) {
    List<Long> checked = Outbox.checkSeqs(seqs);
    return db.write("requeueing mutations", tx -> {
      Fencing.check(tx, fence);
      return MutationWrites.requeue(tx, fence.target(), checked);
    });
  }

  /**
   * Deletes pending or quarantined rows of the target; shadows they protected are resolved now. If
   * the server stores a dropped row after all (it was in flight), its echo is applied.
   *
   * @return how many rows were deleted
   * @throws LeaseLostException if the fence is stale; nothing changed
   */
  public int drop(Collection<Long> seqs) {
    List<Long> checked = Outbox.checkSeqs(seqs);
    return db.write("dropping mutations", tx -> {
      Fencing.check(tx, fence);
      Set<EntityKey> keys = MutationWrites.keysOf(tx, fence.target(), checked);
      int dropped = MutationWrites.drop(tx, fence.target(), checked);
      if (dropped > 0) {
        pages.release(tx, fence.target(), keys);
      }
      return dropped;
    });
  }

  /**
   * Applies one pulled page and advances the cursor, in one transaction:
   *
   * <ol>
   *   <li>Shadows whose protection lifted since the last page (e.g. an operator dropped the
   *       protecting row) are resolved first, oldest first.
   *   <li>Mutations at or below the cursor are skipped; the cursor only moves forward.
   *   <li>Own echoes (under this file's replica id, or a former one) are not applied when the
   *       local row with their client seq is that very write (acked at the echo's seq, or the same
   *       project, entity, key, op and payload): the local tables already hold it. An echo acks its
   *       row if that is still pending (like a {@code duplicate} push answer). The exception is a
   *       write that stopped protecting its key before the server ordered it (quarantined, then
   *       requeued; dropped while in flight): remote writes may have landed over it meanwhile, so
   *       its echo goes on like a remote mutation. An echo that is not this file's write goes on
   *       like a remote mutation too, and is never acked; under the current id it means that
   *       another history uses the id (a restored or copied file), and the file takes a fresh
   *       replica id ({@link SyncStore#resetReplicaId}) in this transaction.
   *   <li>A mutation whose key has an acked local write with a higher server seq is dropped
   *       (superseded); one whose key has a pending local write becomes the key's shadow.
   *   <li>Everything else goes to the applier ({@link MutationApplier#applyAll}) in server order,
   *       in this transaction, then the cursor moves to the page's last seq and the totals grow.
   * </ol>
   *
   * A mutation the applier cannot apply is contained ({@link Inbox}): refused as poison ({@link
   * PoisonMutationException}) or failed the same way {@value Inbox#MAX_APPLY_ATTEMPTS} times, it
   * goes to the inbound quarantine and the rest of the page is applied; failed fewer times, the
   * mutations before it are applied and committed, the cursor stops before it, and {@link
   * ApplyFailedException} names it. A transient failure (a busy database) fails the whole page.
   *
   * The first page binds the target to the applier's {@link MutationApplier#id()}; a page with a
   * different applier is refused. Local writes the applier itself records during a page do not
   * protect later mutations of the same page.
   *
   * @param page mutations in strictly increasing server seq (checked before anything is written)
   * @param serverLatestSeq the server's {@code latest_seq} from the same response
   * @throws LeaseLostException if the fence is stale; nothing changed
   * @throws ApplyFailedException if the applier failed (see above for what was kept)
   * @throws StoreException {@code APPLIER_MISMATCH} if the target was set up with another applier
   */
  public ApplyResult applyPage(List<RemoteMutation> page, long serverLatestSeq) {
    return applyPage(page, List.of(), serverLatestSeq);
  }

  /**
   * Like {@link #applyPage(List, long)} for a page of which some mutations could not be mapped:
   * those go to the inbound quarantine ({@link Inbox#UNMAPPABLE}) and the cursor moves past them.
   *
   * @param unmappable the page's mutations that could not be mapped, in any order
   */
  public ApplyResult applyPage(List<RemoteMutation> page, List<UnmappableMutation> unmappable,
      long serverLatestSeq) {
    List<RemoteMutation> checked = PageApplier.checkPage(page);
    List<UnmappableMutation> bad = List.copyOf(Objects.requireNonNull(unmappable, "unmappable must not be null"));
    Checks.notNegative(serverLatestSeq, "serverLatestSeq");
    PageApplier.Outcome outcome = db.write("applying a page of " + (checked.size() + bad.size()) + " mutations",
        tx -> {
          Fencing.check(tx, fence);
          return pages.apply(tx, fence, checked, bad, serverLatestSeq);
        });
    if (outcome.failure() != null) {
      throw outcome.failure();
    }
    return outcome.result();
  }

  /**
   * Takes a fresh replica id under the fence: the push answered {@code replica_conflict}, so another
   * history uses this file's id. See {@link SyncStore#resetReplicaId}.
   *
   * @return the new id
   * @throws LeaseLostException if the fence is stale; nothing changed
   */
  public String resetReplicaId(String reason) {
    Checks.text(reason, "reason");
    return db.write("taking a fresh replica id", tx -> {
      Fencing.check(tx, fence);
      return ReplicaIds.rotate(tx, reason);
    });
  }

  /**
   * Resets the target's synced state because the server's log is not the one the cursor counts in:
   * another {@code log_id}, or a {@code latest_seq} below the cursor (an older backup restored, an
   * empty database, another deployment behind the URL). In one transaction:
   *
   * <ol>
   *   <li>acked local writes go back to pending (the next push sends them again; a log that kept
   *       them answers {@code duplicate}) and their echoes will be applied, not skipped;
   *   <li>the applier forgets what it wrote from the old log ({@link MutationApplier#resetSynced});
   *   <li>shadows (old-log seqs) are deleted; the cursor goes back to 0, the log id becomes {@code
   *       logId} and the server's latest seq is recorded as reported.
   * </ol>
   *
   * Pending local writes stay pending and keep protecting their keys. When the applier cannot
   * reset, nothing of that happens: the target is paused with {@link TargetStore#RESYNC_REQUIRED}
   * and the reported latest seq recorded, so status shows the truth instead of a replica that
   * silently diverges.
   *
   * @param logId the new log's id, or null when the server sends none (it is adopted later)
   * @param serverLatestSeq the new log's {@code latest_seq}, not negative
   * @throws LeaseLostException if the fence is stale; nothing changed
   * @throws ApplyFailedException if the applier's reset threw; nothing changed
   */
  public LogReset resetToLog(@Nullable String logId, long serverLatestSeq) {
    Checks.notNegative(serverLatestSeq, "serverLatestSeq");
    return db.write("resetting target " + fence.target() + " to a new server log", tx -> {
      Fencing.check(tx, fence);
      return LogResets.reset(tx, fence.target(), applier, logId, serverLatestSeq, false);
    });
  }

  /**
   * The operator's reset, after the host cleared what its applier wrote from the server: as {@link
   * #resetToLog}, but the applier's hook may decline (the host did the work) and a {@link
   * TargetStore#RESYNC_REQUIRED} pause is lifted. The log id is forgotten; the next server answer
   * sets it.
   *
   * @throws LeaseLostException if the fence is stale; nothing changed
   */
  public LogReset resync() {
    return db.write("resyncing target " + fence.target(), tx -> {
      Fencing.check(tx, fence);
      return LogResets.reset(tx, fence.target(), applier, null, 0, true);
    });
  }

  /**
   * Records the {@code log_id} the cursor counts in, for a target that has none yet (it synced
   * before servers sent one, or was just resynced).
   *
   * @throws LeaseLostException if the fence is stale; nothing changed
   */
  public void adoptLogId(String logId) {
    Checks.text(logId, "logId");
    db.write("recording the server log id of target " + fence.target(), tx -> {
      Fencing.check(tx, fence);
      LogResets.adopt(tx, fence.target(), logId);
      return null;
    });
  }

  /**
   * Persists what a cycle left behind (phase, outcome, backoff, reason, errors), so a restarted
   * manager resumes its backoff and {@code ferry status} tells the truth. A record's error is
   * appended to the history, which keeps the last 10 per target.
   *
   * @throws LeaseLostException if the fence is stale; nothing changed
   */
  public void recordCycle(CycleRecord record) {
    Objects.requireNonNull(record, "record must not be null");
    db.write("recording a sync cycle", tx -> {
      Fencing.check(tx, fence);
      TargetDao dao = tx.handle().attach(TargetDao.class);
      String target = fence.target();
      dao.ensure(target);
      dao.recordCycle(target, record.phase(), record.outcome(), record.durationMs(), record.failed() ? 1 : 0,
          record.consecutiveFailures(), record.backoffUntil(), record.reasonCode(), record.reasonMessage(),
          record.lastError(), record.lastSyncAt(), record.push().failures(), record.push().backoffUntil(),
          record.pull().failures(), record.pull().backoffUntil());
      ErrorEntry error = record.error();
      if (error != null) {
        dao.appendError(target, error.atMillis(), error.code(), error.message());
        dao.trimErrors(target);
      }
      return null;
    });
  }
}
