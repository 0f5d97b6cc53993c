package dev.ferry.store;

import dev.ferry.store.internal.DocumentSql;
import java.sql.PreparedStatement;
import java.util.List;

/**
 * The built-in applier: materializes entities into {@code ferry_documents(project, entity,
 * entity_key, payload, deleted, server_seq, updated_at)}, last writer by server order. {@code
 * upsert} stores the payload; {@code delete} leaves a tombstone ({@code deleted}, payload {@code
 * null}). A write older in server order than what a document holds is ignored. {@code updated_at}
 * is the server's accept time of the write that set it.
 *
 * <p>One target at most uses it: documents are keyed by (project, entity, entity_key) alone and
 * ordered by server seq, which only compares within one server. A page or {@link
 * TargetStore#bindApplier} that would set a second target up with it is refused ({@link
 * StoreException.Kind#APPLIER_MISMATCH}); give other targets an applier of their own.
 *
 * <p>When the server's log is replaced ({@link #resetSynced}), documents no local write keeps are
 * deleted and the rest forget their server seq, so the new log rebuilds them from its first seq.
 *
 * <p>Any other op is refused with {@link PoisonMutationException} instead of being dropped
 * silently: the store moves that mutation to the inbound quarantine ({@link Inbox}), where an
 * operator sees it, and applies the rest. A host with its own ops needs its own applier. Stateless
 * and thread-safe.
 */
public final class DocumentApplier implements MutationApplier {

  /** The id targets set up with this applier record; {@code ferry sync} pulls only into those. */
  public static final String ID = "ferry.documents";

  @Override
  public void apply(ApplyContext context, RemoteMutation mutation) throws Exception {
    applyAll(context, List.of(mutation));
  }

  /** Writes the whole page with one batched statement. */
  @Override
  public void applyAll(ApplyContext context, List<RemoteMutation> mutations) throws Exception {
    try (PreparedStatement ps = context.connection().prepareStatement(DocumentSql.APPLY_REMOTE)) {
      for (RemoteMutation m : mutations) {
        DocumentSql.bind(ps, m.project(), m.entity(), m.entityKey(), isDelete(m), m.payloadJson(), m.serverSeq(),
            m.acceptedAtMillis());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /**
   * Deletes every document whose key has no local write left in the outbox (those came from the
   * old log alone) and clears the server seq of the others, whose seqs counted in the old log: the
   * new log's writes then land by its own order.
   */
  @Override
  public boolean resetSynced(ApplyContext context) throws Exception {
    try (PreparedStatement forget = context.connection().prepareStatement(DocumentSql.FORGET_REMOTE);
        PreparedStatement unorder = context.connection().prepareStatement(DocumentSql.CLEAR_SERVER_SEQ)) {
      forget.setString(1, context.target());
      forget.executeUpdate();
      unorder.executeUpdate();
    }
    return true;
  }

  private static boolean isDelete(RemoteMutation m) {
    return switch (m.op()) {
      case MutationDraft.UPSERT -> false;
      case MutationDraft.DELETE -> true;
      default -> throw new PoisonMutationException(m.serverSeq(),
          "the document applier knows ops upsert and delete, but server seq " + m.serverSeq() + " has op '"
              + m.op() + "'");
    };
  }

  @Override
  public String id() {
    return ID;
  }
}
