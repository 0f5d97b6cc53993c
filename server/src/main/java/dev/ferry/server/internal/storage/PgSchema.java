package dev.ferry.server.internal.storage;

import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Creates the PostgreSQL tables and opens connections bound to their schema. The schema name is
 * validated by the caller ({@code [a-z][a-z0-9_]*}), which is what makes placing it in DDL safe:
 * identifiers cannot be bound.
 */
final class PgSchema {

  private static final List<String> TABLES =
      List.of(
          "CREATE TABLE IF NOT EXISTS ferry_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
          "CREATE TABLE IF NOT EXISTS ferry_log ("
              + "tenant TEXT NOT NULL, seq BIGINT NOT NULL, replica_id TEXT NOT NULL, "
              + "client_seq BIGINT NOT NULL, project TEXT NOT NULL, entity TEXT NOT NULL, "
              + "entity_key TEXT NOT NULL, op TEXT NOT NULL, payload TEXT NOT NULL, "
              + "created_at BIGINT, accepted_at BIGINT NOT NULL, PRIMARY KEY (tenant, seq))",
          "CREATE UNIQUE INDEX IF NOT EXISTS ferry_log_dedupe "
              + "ON ferry_log (tenant, replica_id, client_seq)",
          "CREATE TABLE IF NOT EXISTS ferry_replica_epochs ("
              + "tenant TEXT NOT NULL, replica_id TEXT NOT NULL, max_epoch BIGINT NOT NULL, "
              + "PRIMARY KEY (tenant, replica_id))",
          "INSERT INTO ferry_meta (key, value) VALUES ('schema_version', '1') "
              + "ON CONFLICT (key) DO NOTHING");

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
          TABLES.forEach(tx::execute);
        });
  }

  /** Opens a handle whose unqualified table names resolve in {@code schema}. */
  static Handle openIn(Jdbi jdbi, String schema) {
    Handle h = jdbi.open();
    try {
      h.execute("SET search_path TO " + schema);
      return h;
    } catch (RuntimeException e) {
      h.close();
      throw e;
    }
  }
}
