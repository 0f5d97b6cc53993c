package dev.ferry.store;

import java.util.List;

/**
 * The host's callback that applies pulled mutations to its own tables. It runs inside the store's
 * write transaction for the page: write through {@link ApplyContext#handle()} or {@link
 * ApplyContext#connection()} (never another connection: it would wait for the lock this
 * transaction holds) and your writes commit together with the cursor, or not at all.
 *
 * <p>Throwing undoes the applier's writes of that call; the store then finds the mutation that
 * fails, applies the ones before it and offers it again by the next cycle ({@link
 * ApplyFailedException}). Throw {@link PoisonMutationException} for a mutation that can never be
 * applied: it goes to the inbound quarantine ({@link Inbox}) at once and the rest of the log is
 * applied; any other failure quarantines it after {@value Inbox#MAX_APPLY_ATTEMPTS} failures of
 * the same kind, except a busy database, which is never poison. Do not commit, roll back or record
 * outbox mutations from an applier.
 *
 * <p>The store has already left out own echoes the local tables hold, and protected keys (see {@link
 * FencedWriter#applyPage}); the applier sees mutations in increasing server seq.
 */
@FunctionalInterface
public interface MutationApplier {

  /**
   * Applies one mutation.
   *
   * @throws Exception to refuse the mutation (see the class comment)
   */
  void apply(ApplyContext context, RemoteMutation mutation) throws Exception;

  /**
   * Applies several mutations in the given (server seq) order; by default one by one. Override to
   * batch statements: the store calls this once per page with everything it decided to apply.
   *
   * @throws Exception to refuse the page; the store then looks for the mutation that fails alone
   */
  default void applyAll(ApplyContext context, List<RemoteMutation> mutations) throws Exception {
    for (RemoteMutation m : mutations) {
      apply(context, m);
    }
  }

  /**
   * Forgets everything this applier wrote from the server's log, because that log was replaced or
   * went back (an older backup restored, an empty database, another deployment behind the URL):
   * the store then pulls the new log from its first seq and applies it as usual. Runs in the same
   * transaction as the reset of the cursor, so it commits with it or not at all.
   *
   * <p>Keep what the host's own local writes put there: every local write the outbox still holds
   * (pending, quarantined, or acked and within the retention) is in state pending or quarantined
   * when this runs, protects its key as usual and is pushed again; its echo from the new log is
   * applied through this applier.
   *
   * <p>The default returns false: it cannot. The store then changes nothing and pauses the target
   * with {@link TargetStore#RESYNC_REQUIRED} (status {@code disabled}, reason {@code
   * resync_required}) instead of letting it diverge; the host clears its synced tables itself and
   * resyncs ({@link FencedWriter#resync}, {@code ferry resync}).
   *
   * @return true when the synced state is forgotten
   * @throws Exception to roll the reset back (it is retried by the next cycle)
   */
  default boolean resetSynced(ApplyContext context) throws Exception {
    return false;
  }

  /**
   * A stable name recorded with the target the first time it pulls, so a target set up with one
   * applier is never advanced by another. By default the class name; for a lambda or another
   * hidden class, whose runtime name changes from run to run, the name of the class that defines
   * it followed by {@code $lambda}. Override it when the class name may change, or when one class
   * defines several appliers as lambdas (they would share that name).
   */
  default String id() {
    Class<?> type = getClass();
    return type.isHidden() ? type.getNestHost().getName() + "$lambda" : type.getName();
  }
}
