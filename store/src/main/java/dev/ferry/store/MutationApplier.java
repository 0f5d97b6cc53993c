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
