package dev.ferry.store;

import dev.ferry.store.internal.Checks;
import dev.ferry.store.internal.Db;
import dev.ferry.store.internal.InboxRetry;
import dev.ferry.store.internal.InboundQuarantine;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inbound quarantine: pulled mutations that could not be applied, kept with their error so the
 * cursor can move past them and the rest of the log is applied. A mutation lands here when its
 * applier refuses it as poison ({@link PoisonMutationException}, e.g. an op the {@link
 * DocumentApplier} does not know), when applying it failed the same way {@value
 * #MAX_APPLY_ATTEMPTS} times in a row, or when it cannot be mapped at all ({@link
 * UnmappableMutation}). A transient failure (a busy database) never puts a mutation here.
 *
 * <p>Quarantined mutations stay until an operator retries ({@link #retry}) or skips ({@link
 * #skip}) them; nothing removes them silently. Later writes of the same key are applied as usual
 * meanwhile, and remembered ({@link InboundMutation#newerSeq()}), so a retry follows server order:
 * a mutation that a later write of its key has overtaken is skipped, not applied over it.
 *
 * <p>Operator calls need no lease and are safe while a sync loop runs on the file (each runs in
 * its own {@code BEGIN IMMEDIATE} transaction). Thread-safe.
 */
public final class Inbox {

  /** How many failures of the same kind quarantine a pulled mutation. */
  public static final int MAX_APPLY_ATTEMPTS = 3;

  /** The code of a mutation the applier refused as poison ({@link PoisonMutationException}). */
  public static final String POISON = "poison";

  /** The code of a mutation whose applier failed the same way {@value #MAX_APPLY_ATTEMPTS} times. */
  public static final String APPLY_FAILED = "apply_failed";

  /** The code of a mutation that cannot be mapped to a {@link RemoteMutation}. */
  public static final String UNMAPPABLE = "unmappable";

  private static final Logger LOG = LoggerFactory.getLogger(Inbox.class);

  /** What became of one retried mutation. */
  public enum RetryOutcome {
    /** Applied now and removed from the quarantine. */
    APPLIED,
    /** A later write of its key wins in server order: removed without being applied. */
    SUPERSEDED,
    /** A local write of its key is pending: kept as the key's shadow, applied if it still wins later. */
    SHADOWED,
    /** Failed again (or cannot be mapped); it stays quarantined with the new error. */
    FAILED,
    /** Not in the quarantine (already retried or skipped). */
    NOT_FOUND
  }

  /**
   * The result of retrying one mutation.
   *
   * @param message what happened, for people
   */
  public record Retry(long serverSeq, RetryOutcome outcome, String message) {

    /** @throws NullPointerException for a missing outcome or message */
    public Retry {
      Objects.requireNonNull(outcome, "outcome must not be null");
      Objects.requireNonNull(message, "message must not be null");
    }
  }

  private final Db db;

  Inbox(Db db) {
    this.db = db;
  }

  /** How many pulled mutations of the target are quarantined. */
  public long count(String target) {
    Checks.text(target, "target");
    return db.read("counting quarantined pulled mutations", tx -> InboundQuarantine.count(tx, target));
  }

  /**
   * The first {@code limit} quarantined keys, as {@code project/entity/entity_key}, in sorted order,
   * with how many mutations each has in the quarantine.
   */
  public Map<String, Long> keys(String target, int limit) {
    Checks.text(target, "target");
    Checks.positive(limit, "limit");
    return Map.copyOf(db.read("reading quarantined keys", tx -> InboundQuarantine.keys(tx, target, limit)));
  }

  /** Up to {@code limit} quarantined mutations with server seq above {@code afterSeq}, in server order. */
  public List<InboundMutation> list(String target, long afterSeq, int limit) {
    Checks.text(target, "target");
    Checks.notNegative(afterSeq, "afterSeq");
    Checks.positive(limit, "limit");
    return List.copyOf(db.read("listing quarantined pulled mutations",
        tx -> InboundQuarantine.list(tx, target, afterSeq, limit)));
  }

  /** One quarantined mutation, if it is there. */
  public Optional<InboundMutation> get(String target, long serverSeq) {
    Checks.text(target, "target");
    Checks.positive(serverSeq, "serverSeq");
    return db.read("reading a quarantined pulled mutation", tx -> InboundQuarantine.get(tx, target, serverSeq));
  }

  /**
   * Tries the quarantined mutations again with {@code applier}, each in its own transaction and
   * under server-order rules: one that a later write of its key overtook (a later pulled write, or
   * an acked local write with a higher server seq) is removed without being applied; one whose key
   * has a pending local write becomes the key's shadow (see {@link FencedWriter#applyPage}); the
   * others go to the applier. A failure keeps the mutation quarantined with the new error.
   *
   * @param applier the applier the target was set up with
   * @return one result per distinct seq, in the order given
   * @throws StoreException {@code APPLIER_MISMATCH} when the target was set up with another applier
   */
  public List<Retry> retry(String target, Collection<Long> serverSeqs, MutationApplier applier) {
    Checks.text(target, "target");
    Objects.requireNonNull(applier, "applier must not be null");
    Map<Long, Retry> results = new LinkedHashMap<>();
    for (long seq : Outbox.checkSeqs(serverSeqs)) {
      if (!results.containsKey(seq)) {
        Retry r = db.write("retrying pulled mutation " + seq, tx -> InboxRetry.retry(tx, target, seq, applier));
        LOG.info("retried quarantined pulled mutation {} of target {}: {} ({})", seq, target, r.outcome(),
            r.message());
        results.put(seq, r);
      }
    }
    return List.copyOf(results.values());
  }

  /**
   * Removes quarantined mutations without applying them: the operator's decision that this replica
   * does without them.
   *
   * @return how many were removed
   */
  public int skip(String target, Collection<Long> serverSeqs) {
    Checks.text(target, "target");
    List<Long> seqs = Outbox.checkSeqs(serverSeqs);
    int n = db.write("skipping quarantined pulled mutations", tx -> {
      int removed = 0;
      for (long seq : seqs) {
        if (InboundQuarantine.delete(tx, target, seq)) {
          removed++;
        }
      }
      return removed;
    });
    LOG.warn("skipped {} quarantined pulled mutation(s) of target {} on request: {}", n, target, seqs);
    return n;
  }
}
