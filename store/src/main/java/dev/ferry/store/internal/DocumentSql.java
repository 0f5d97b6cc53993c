package dev.ferry.store.internal;

import dev.ferry.store.Document;
import dev.ferry.store.DocumentApplier;
import dev.ferry.store.StoreException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.jspecify.annotations.Nullable;

/**
 * The SQL of {@code ferry_documents}: remote applies, local writes and reads, and the rule that
 * one target at most fills it.
 */
public final class DocumentSql {

  /** What a tombstone's payload reads as. */
  public static final String TOMBSTONE_PAYLOAD = "null";

  /** A remote write lands only if it is newer in server order than what the document holds. */
  public static final String APPLY_REMOTE =
      "INSERT INTO ferry_documents (project, entity, entity_key, payload, deleted, server_seq, updated_at)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?)"
          + " ON CONFLICT (project, entity, entity_key) DO UPDATE SET payload = excluded.payload,"
          + " deleted = excluded.deleted, server_seq = excluded.server_seq, updated_at = excluded.updated_at"
          + " WHERE ferry_documents.server_seq IS NULL OR ferry_documents.server_seq < excluded.server_seq";

  /** A local write always lands; its server seq stays that of the last remote write applied. */
  public static final String PUT_LOCAL =
      "INSERT INTO ferry_documents (project, entity, entity_key, payload, deleted, server_seq, updated_at)"
          + " VALUES (?, ?, ?, ?, ?, NULL, ?)"
          + " ON CONFLICT (project, entity, entity_key) DO UPDATE SET payload = excluded.payload,"
          + " deleted = excluded.deleted, updated_at = excluded.updated_at";

  /** Documents no local write of the target keeps: they came from the server's log alone. */
  public static final String FORGET_REMOTE =
      "DELETE FROM ferry_documents WHERE NOT EXISTS (SELECT 1 FROM ferry_mutations m WHERE m.target = ?"
          + " AND m.project = ferry_documents.project AND m.entity = ferry_documents.entity"
          + " AND m.entity_key = ferry_documents.entity_key AND m.state IN ('pending', 'quarantined'))";

  /** Forgets the server order of every document, for a log whose seqs start again. */
  public static final String CLEAR_SERVER_SEQ = "UPDATE ferry_documents SET server_seq = NULL";

  static final String COLUMNS = "project, entity, entity_key, payload, deleted, server_seq, updated_at";

  public static final String GET =
      "SELECT " + COLUMNS + " FROM ferry_documents WHERE project = ? AND entity = ? AND entity_key = ?";
  public static final String LIST_ENTITY =
      "SELECT " + COLUMNS + " FROM ferry_documents WHERE project = ? AND entity = ? ORDER BY entity_key";
  public static final String LIST_PROJECT =
      "SELECT " + COLUMNS + " FROM ferry_documents WHERE project = ? ORDER BY entity, entity_key";
  public static final String LIST_ALL =
      "SELECT " + COLUMNS + " FROM ferry_documents ORDER BY project, entity, entity_key";
  public static final String COUNT = "SELECT count(*) FROM ferry_documents";

  private static final String OTHER_TARGET =
      "SELECT target FROM ferry_targets WHERE applier_id = ? AND target <> ? ORDER BY target LIMIT 1";

  private DocumentSql() {}

  /**
   * Refuses to set {@code target} up with the document applier when another target already is.
   * Documents are keyed without a target and ordered by server seq, and two servers' seqs do not
   * compare: a second target's writes would win or lose at random.
   *
   * @throws StoreException {@code APPLIER_MISMATCH} naming the target that has the documents
   */
  public static void checkOneTarget(Tx tx, String target, String applierId) throws SQLException {
    if (!DocumentApplier.ID.equals(applierId)) {
      return;
    }
    PreparedStatement ps = tx.statement(OTHER_TARGET);
    ps.setString(1, DocumentApplier.ID);
    ps.setString(2, target);
    try (ResultSet rs = ps.executeQuery()) {
      if (rs.next()) {
        throw new StoreException(StoreException.Kind.APPLIER_MISMATCH,
            "target " + target + " cannot use the document applier: ferry_documents already follows target "
                + rs.getString(1) + ", and documents are ordered by one server's seqs (another server's do not"
                + " compare); give " + target + " an applier of its own");
      }
    }
  }

  /** Binds a write of {@code op}'s effect; {@code serverSeq} is skipped for {@link #PUT_LOCAL}. */
  public static void bind(PreparedStatement ps, String project, String entity, String key, boolean delete,
      String payload, @Nullable Long serverSeq, long updatedAt) throws SQLException {
    ps.setString(1, project);
    ps.setString(2, entity);
    ps.setString(3, key);
    ps.setString(4, delete ? TOMBSTONE_PAYLOAD : payload);
    ps.setInt(5, delete ? 1 : 0);
    if (serverSeq == null) {
      ps.setLong(6, updatedAt);
    } else {
      ps.setLong(6, serverSeq);
      ps.setLong(7, updatedAt);
    }
  }

  /** Reads a row of {@link #COLUMNS}. */
  public static Document read(ResultSet rs) throws SQLException {
    return new Document(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5) != 0,
        Rows.nullableLong(rs, 6), rs.getLong(7));
  }
}
