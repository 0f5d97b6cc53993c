package dev.ferry.server.internal.storage;

import java.sql.SQLException;
import java.time.Duration;
import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Creates the PostgreSQL schema with the log's tables and opens connections bound to their schema.
 * The schema name is validated by the caller ({@code [a-z][a-z0-9_]*}), which is what makes placing
 * it in DDL safe: identifiers cannot be bound.
 */
final class PgSchema {

  private PgSchema() {}

  /**
   * Creates the schema and tables if missing. A global advisory lock serializes processes that
   * start together: concurrent {@code CREATE ... IF NOT EXISTS} can otherwise fail on the catalog's
   * unique index.
   */
  static void migrate(Handle h, String schema) {
    h.useTransaction(
        tx -> {
          tx.createQuery("SELECT pg_advisory_xact_lock(hashtextextended('ferry:migrate', 0))")
              .mapTo(String.class)
              .one();
          tx.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
          tx.execute("SET LOCAL search_path TO " + schema);
          LogTables.CREATE.forEach(tx::execute);
        });
  }

  /**
   * Opens a handle whose unqualified table names resolve in {@code schema} and whose transactions
   * run at READ COMMITTED whatever the database's or role's {@code default_transaction_isolation}:
   * the append reads the highest seq after taking the tenant's advisory lock, and only at READ
   * COMMITTED does that read see what the previous lock holder committed (a REPEATABLE READ or
   * SERIALIZABLE snapshot is taken by the transaction's first statement, before the lock is
   * granted). Pinned once per connection, so an append pays no extra round trip for it.
   */
  static Handle openIn(Jdbi jdbi, String schema, Duration networkTimeout) {
    Handle h = jdbi.open();
    try {
      // Bounds every blocking socket read (the driver ignores the executor): without it a
      // connection whose peer vanished without a reset would hold its request forever.
      h.getConnection().setNetworkTimeout(Runnable::run, Math.toIntExact(networkTimeout.toMillis()));
      h.execute("SET search_path TO " + schema);
      h.execute("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED");
      return h;
    } catch (SQLException e) {
      h.close();
      throw new ConnectionException(e);
    } catch (RuntimeException e) {
      h.close();
      throw e;
    }
  }
}
