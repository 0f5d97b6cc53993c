package dev.ferry.server.internal.storage;

import java.util.List;

/**
 * The tables of a mutation log, the same DDL for both databases: {@code BIGINT} is PostgreSQL's
 * 64-bit integer, and SQLite gives any type named with {@code INT} integer affinity.
 */
final class LogTables {

  /** Idempotent statements that create the tables and record schema version 1. */
  static final List<String> CREATE =
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
          // Added after version 1 went out; created on open, and an existing log's replicas are
          // bound on their next push (see ReplicaOwners).
          "CREATE TABLE IF NOT EXISTS ferry_replica_owners ("
              + "tenant TEXT NOT NULL, replica_id TEXT NOT NULL, principal TEXT NOT NULL, "
              + "bound_at BIGINT NOT NULL, PRIMARY KEY (tenant, replica_id))",
          // The identity of each tenant's log (LogIdentity); created on first use, so a log of an
          // older server gets one the first time it is touched after the upgrade.
          "CREATE TABLE IF NOT EXISTS ferry_log_ids ("
              + "tenant TEXT PRIMARY KEY, log_id TEXT NOT NULL, created_at BIGINT NOT NULL)",
          "INSERT INTO ferry_meta (key, value) VALUES ('schema_version', '1') "
              + "ON CONFLICT (key) DO NOTHING");

  private LogTables() {}
}
