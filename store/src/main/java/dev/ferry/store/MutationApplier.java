package dev.ferry.store;

import java.util.List;

/**
 * The host's callback that applies pulled mutations to its own tables. It runs inside the store's
 * write transaction for the page: write through {@link ApplyContext#handle()} or {@link
 * ApplyContext#connection()} (never another connection: it would wait for the lock this
 * transaction holds) and your writes commit together with the cursor, or not at all.
 *
 * <p>Throwing rolls back the whole page and surfaces as {@link ApplyFailedException}; the same
 * page is offered again by the next cycle, so make a failure that cannot heal visible rather than
 * throwing forever. Do not commit, roll back or record outbox mutations from an applier.
 *
 * <p>The store has already left out own echoes the local tables hold, and protected keys (see {@link
 * FencedWriter#applyPage}); the applier sees mutations in increasing server seq.
 */
@FunctionalInterface
public interface MutationApplier {

  /**
   * Applies one mutation.
   *
   * @throws Exception to roll back the page
   */
  void apply(ApplyContext context, RemoteMutation mutation) throws Exception;

  /**
   * Applies several mutations in the given (server seq) order; by default one by one. Override to
   * batch statements: the store calls this once per page with everything it decided to apply.
   *
   * @throws Exception to roll back the page
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
