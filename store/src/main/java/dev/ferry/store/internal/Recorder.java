package dev.ferry.store.internal;

import dev.ferry.store.MutationDraft;
import dev.ferry.store.StoreBusyException;
import dev.ferry.store.StoreConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Objects;

/**
 * Inserts drafts into {@code ferry_mutations} on the host's connection, inside whatever
 * transaction the host has open (transactional outbox). Every draft is validated before anything
 * is written. Thread-safe; a connection must not be used by two threads at once (JDBC's rule).
 */
public final class Recorder {

  private static final String INSERT =
      "INSERT INTO ferry_mutations (target, project, entity, entity_key, op, payload, created_at)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?)";
  private static final String INSERT_RETURNING = INSERT + " RETURNING seq";
  private static final String SAVEPOINT = "ferry_record";

  private final StoreConfig config;
  private final HostStatementCache statements;

  public Recorder(StoreConfig config, HostStatementCache statements) {
    this.config = config;
    this.statements = statements;
  }

  /** The statement cache for other writes on host connections. */
  public HostStatementCache statements() {
    return statements;
  }

  /** Validates and inserts one draft; returns its seq. */
  public long record(Connection connection, MutationDraft draft) {
    Objects.requireNonNull(connection, "connection must not be null");
    validate(Objects.requireNonNull(draft, "draft must not be null"), "");
    try {
      PreparedStatement ps = statements.take(connection, INSERT_RETURNING);
      try {
        bind(ps, draft, config.clock().millis());
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw new SQLException("INSERT ... RETURNING seq returned no row");
          }
          return rs.getLong(1);
        }
      } finally {
        statements.give(connection, INSERT_RETURNING, ps);
      }
    } catch (SQLException | RuntimeException e) {
      throw translate(e, "recording a mutation");
    }
  }

  /**
   * Validates every draft, then inserts them all under a savepoint, so the batch is all or nothing
   * even inside a longer host transaction. Returns the seqs in the drafts' order.
   */
  public long[] recordAll(Connection connection, List<MutationDraft> drafts) {
    Objects.requireNonNull(connection, "connection must not be null");
    Objects.requireNonNull(drafts, "drafts must not be null");
    for (int i = 0; i < drafts.size(); i++) {
      MutationDraft d = drafts.get(i);
      if (d == null) {
        throw new IllegalArgumentException("drafts[" + i + "] must not be null");
      }
      validate(d, "drafts[" + i + "].");
    }
    int n = drafts.size();
    if (n == 0) {
      return new long[0];
    }
    long now = config.clock().millis();
    try {
      execute(connection, "SAVEPOINT " + SAVEPOINT);
      long last;
      try {
        PreparedStatement ps = statements.take(connection, INSERT);
        try {
          for (MutationDraft d : drafts) {
            bind(ps, d, now);
            ps.addBatch();
          }
          ps.executeBatch();
        } finally {
          ps.clearBatch();
          statements.give(connection, INSERT, ps);
        }
        last = lastInsertRowid(connection);
      } catch (SQLException | RuntimeException e) {
        try {
          execute(connection, "ROLLBACK TO " + SAVEPOINT);
          execute(connection, "RELEASE " + SAVEPOINT);
        } catch (SQLException rollbackFailure) {
          e.addSuppressed(rollbackFailure);
        }
        throw e;
      }
      execute(connection, "RELEASE " + SAVEPOINT);
      // AUTOINCREMENT hands consecutive rowids to consecutive inserts on one connection, and no
      // other connection can insert while this one holds the write lock.
      long[] seqs = new long[n];
      for (int i = 0; i < n; i++) {
        seqs[i] = last - n + 1 + i;
      }
      return seqs;
    } catch (SQLException | RuntimeException e) {
      throw translate(e, "recording " + n + " mutations");
    }
  }

  /**
   * Checks what the draft's constructor cannot: payload size (UTF-8 bytes) and JSON syntax.
   *
   * @param prefix the field path prefix for messages, e.g. {@code "drafts[3]."}
   */
  public void validate(MutationDraft draft, String prefix) {
    String payload = draft.payloadJson();
    int max = config.maxPayloadBytes();
    // A char is at most 3 UTF-8 bytes, so short payloads need no counting.
    if ((long) payload.length() * 3 > max) {
      long bytes = Utf8.length(payload);
      if (bytes > max) {
        throw new IllegalArgumentException(
            prefix + "payloadJson is " + bytes + " bytes (UTF-8), over the limit of " + max + " bytes");
      }
    }
    String problem = JsonValidator.problem(payload);
    if (problem != null) {
      throw new IllegalArgumentException(prefix + "payloadJson is not valid JSON: " + problem);
    }
  }

  private static void bind(PreparedStatement ps, MutationDraft d, long now) throws SQLException {
    ps.setString(1, d.target());
    ps.setString(2, d.project());
    ps.setString(3, d.entity());
    ps.setString(4, d.entityKey());
    ps.setString(5, d.op());
    ps.setString(6, d.payloadJson());
    ps.setLong(7, now);
  }

  private static long lastInsertRowid(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT last_insert_rowid()")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /** Host-side failures, with the fix for the one the host can cause: a deferred transaction. */
  static RuntimeException translate(Exception e, String what) {
    RuntimeException t = SqliteErrors.translate(e, what);
    if (t instanceof StoreBusyException) {
      return new StoreBusyException(
          t.getMessage() + "; begin host write transactions with BEGIN IMMEDIATE"
              + " (install ImmediateTransactionHandler on the host's Jdbi) so the lock is taken up front",
          e);
    }
    return t;
  }
}
