package dev.ferry.store;

import dev.ferry.store.internal.Checks;
import dev.ferry.store.internal.Db;
import dev.ferry.store.internal.DocumentSql;
import dev.ferry.store.internal.Recorder;
import dev.ferry.store.internal.SqliteErrors;
import dev.ferry.store.internal.Tx;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * The simple synced document store ({@code ferry_documents}) that {@link DocumentApplier} fills:
 * local writes that record their mutation in the same transaction, and reads. Documents follow
 * one target (the one set up with {@link DocumentApplier}). Thread-safe.
 */
public final class Documents {

  private static final String SAVEPOINT = "ferry_document_put";

  private final Db db;
  private final Recorder recorder;

  Documents(Db db, Recorder recorder) {
    this.db = db;
    this.recorder = recorder;
  }

  /**
   * A local write: upserts the document (or leaves a tombstone for {@code delete}) and records the
   * mutation, both or neither (under a savepoint inside the host's transaction, or as their own
   * transaction on an autocommit handle). The document keeps the server seq of the last remote
   * write applied to it; the pending mutation protects it from older remote writes until the
   * server has ordered it.
   *
   * @return the mutation's local seq
   * @throws IllegalArgumentException for an op other than upsert/delete, or an invalid payload;
   *     nothing is written
   */
  public long put(Handle hostHandle, MutationDraft draft) {
    Objects.requireNonNull(hostHandle, "hostHandle must not be null");
    Objects.requireNonNull(draft, "draft must not be null");
    boolean delete;
    if (draft.op().equals(MutationDraft.DELETE)) {
      delete = true;
    } else if (draft.op().equals(MutationDraft.UPSERT)) {
      delete = false;
    } else {
      throw new IllegalArgumentException("op must be upsert or delete for the document store but was '" + draft.op() + "'");
    }
    recorder.validate(draft, "");
    Connection c = hostHandle.getConnection();
    try {
      execute(c, "SAVEPOINT " + SAVEPOINT);
      try {
        PreparedStatement ps = recorder.statements().take(c, DocumentSql.PUT_LOCAL);
        try {
          DocumentSql.bind(ps, draft.project(), draft.entity(), draft.entityKey(), delete, draft.payloadJson(), null,
              db.config().clock().millis());
          ps.executeUpdate();
        } finally {
          recorder.statements().give(c, DocumentSql.PUT_LOCAL, ps);
        }
        long seq = recorder.record(c, draft);
        execute(c, "RELEASE " + SAVEPOINT);
        return seq;
      } catch (SQLException | RuntimeException e) {
        try {
          execute(c, "ROLLBACK TO " + SAVEPOINT);
          execute(c, "RELEASE " + SAVEPOINT);
        } catch (SQLException rollbackFailure) {
          e.addSuppressed(rollbackFailure);
        }
        throw e;
      }
    } catch (SQLException e) {
      throw SqliteErrors.translate(e, "writing a document");
    }
  }

  /** The document, tombstones included; empty when it never existed here. */
  public Optional<Document> get(String project, String entity, String entityKey) {
    Checks.text(project, "project");
    Checks.text(entity, "entity");
    Checks.text(entityKey, "entityKey");
    return db.read("reading a document", tx -> {
      List<Document> found = query(tx, DocumentSql.GET, project, entity, entityKey);
      return found.isEmpty() ? Optional.<Document>empty() : Optional.of(found.get(0));
    });
  }

  /** The documents of one entity kind, tombstones included, by key. */
  public List<Document> list(String project, String entity) {
    Checks.text(project, "project");
    Checks.text(entity, "entity");
    return db.read("listing documents", tx -> query(tx, DocumentSql.LIST_ENTITY, project, entity));
  }

  /** The documents of one project, tombstones included, by entity and key. */
  public List<Document> list(String project) {
    Checks.text(project, "project");
    return db.read("listing documents", tx -> query(tx, DocumentSql.LIST_PROJECT, project));
  }

  /** Every document, tombstones included, by project, entity and key: for convergence checks. */
  public List<Document> listAll() {
    return db.read("listing documents", tx -> query(tx, DocumentSql.LIST_ALL));
  }

  /** How many documents (tombstones included) there are. */
  public long count() {
    return db.read("counting documents", tx -> {
      try (ResultSet rs = tx.statement(DocumentSql.COUNT).executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }

  private static List<Document> query(Tx tx, String sql, String... args) throws SQLException {
    PreparedStatement ps = tx.statement(sql);
    for (int i = 0; i < args.length; i++) {
      ps.setString(i + 1, args[i]);
    }
    List<Document> docs = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        docs.add(DocumentSql.read(rs));
      }
    }
    return List.copyOf(docs);
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
