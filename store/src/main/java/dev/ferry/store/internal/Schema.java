package dev.ferry.store.internal;

import dev.ferry.store.StoreException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Ferry's tables and their versioned migrations. The version lives in {@code ferry_meta}, never in
 * {@code PRAGMA user_version} (the host owns that), and only {@code ferry_}-prefixed objects are
 * ever created. Migrations run in one {@code BEGIN IMMEDIATE} transaction, so processes opening the
 * same file at once apply each exactly once.
 */
final class Schema {

  /** The newest schema this code knows. */
  static final int CURRENT_VERSION = 3;

  static final String VERSION_KEY = "schema_version";
  static final String REPLICA_ID_KEY = "replica_id";

  private static final String META =
      "CREATE TABLE IF NOT EXISTS ferry_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)";

  /** Migration {@code i} brings the schema from version {@code i} to {@code i + 1}. */
  private static final List<List<String>> MIGRATIONS = List.of(List.of(
      """
      CREATE TABLE ferry_mutations (
        seq        INTEGER PRIMARY KEY AUTOINCREMENT,
        target     TEXT    NOT NULL,
        project    TEXT    NOT NULL,
        entity     TEXT    NOT NULL,
        entity_key TEXT    NOT NULL,
        op         TEXT    NOT NULL,
        payload    TEXT    NOT NULL,
        created_at INTEGER NOT NULL,
        state      TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'acked', 'quarantined')),
        attempts   INTEGER NOT NULL DEFAULT 0,
        error_code TEXT,
        last_error TEXT,
        server_seq INTEGER,
        CHECK ((state = 'acked') = (server_seq IS NOT NULL))
      )""",
      // Pending rows in seq order (server_seq is NULL for them, and the rowid ends every index),
      // counts per state, and acked rows by server seq for protection and pruning.
      "CREATE INDEX ferry_mutations_by_state ON ferry_mutations (target, state, server_seq)",
      // The highest acked server seq of one key, for protection. Partial, so recording (rows start
      // pending) does not pay for it; the ack adds the entry, on the sync side.
      "CREATE INDEX ferry_mutations_acked_by_key"
          + " ON ferry_mutations (target, project, entity, entity_key, server_seq) WHERE state = 'acked'",
      """
      CREATE TABLE ferry_targets (
        target               TEXT PRIMARY KEY,
        last_pulled_seq      INTEGER NOT NULL DEFAULT 0,
        server_latest_seq    INTEGER NOT NULL DEFAULT 0,
        consecutive_failures INTEGER NOT NULL DEFAULT 0,
        backoff_until        INTEGER,
        last_error           TEXT,
        reason_code          TEXT,
        reason_message       TEXT,
        last_sync_at         INTEGER,
        last_outcome         TEXT,
        last_duration_ms     INTEGER NOT NULL DEFAULT 0,
        total_pushed         INTEGER NOT NULL DEFAULT 0,
        total_pulled         INTEGER NOT NULL DEFAULT 0,
        total_applied        INTEGER NOT NULL DEFAULT 0,
        total_failures       INTEGER NOT NULL DEFAULT 0,
        phase                TEXT    NOT NULL DEFAULT 'idle',
        enrollment           TEXT    NOT NULL DEFAULT 'all' CHECK (enrollment IN ('all', 'explicit')),
        applier_id           TEXT
      )""",
      "CREATE TABLE ferry_enrolled (target TEXT NOT NULL, project TEXT NOT NULL,"
          + " PRIMARY KEY (target, project)) WITHOUT ROWID",
      "CREATE TABLE ferry_pause_reasons (target TEXT NOT NULL, reason TEXT NOT NULL,"
          + " added_at INTEGER NOT NULL, PRIMARY KEY (target, reason)) WITHOUT ROWID",
      "CREATE TABLE ferry_errors (id INTEGER PRIMARY KEY AUTOINCREMENT, target TEXT NOT NULL,"
          + " at INTEGER NOT NULL, code TEXT NOT NULL, message TEXT NOT NULL)",
      "CREATE INDEX ferry_errors_by_target ON ferry_errors (target, id)",
      "CREATE TABLE ferry_leases (target TEXT PRIMARY KEY, owner TEXT NOT NULL,"
          + " epoch INTEGER NOT NULL, expires_at INTEGER NOT NULL)",
      """
      CREATE TABLE ferry_shadows (
        target      TEXT    NOT NULL,
        project     TEXT    NOT NULL,
        entity      TEXT    NOT NULL,
        entity_key  TEXT    NOT NULL,
        server_seq  INTEGER NOT NULL,
        replica_id  TEXT    NOT NULL,
        client_seq  INTEGER NOT NULL,
        op          TEXT    NOT NULL,
        payload     TEXT    NOT NULL,
        created_at  INTEGER NOT NULL,
        accepted_at INTEGER NOT NULL,
        PRIMARY KEY (target, project, entity, entity_key)
      )""",
      """
      CREATE TABLE ferry_documents (
        project    TEXT    NOT NULL,
        entity     TEXT    NOT NULL,
        entity_key TEXT    NOT NULL,
        payload    TEXT    NOT NULL,
        deleted    INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
        server_seq INTEGER,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (project, entity, entity_key)
      )"""),
      List.of(
          // Local writes released from protection (quarantined, requeued, dropped) before the
          // server ordered them: the local tables may no longer hold them, so their echo, if the
          // server ever stores them, is applied instead of skipped. See Released.
          """
          CREATE TABLE ferry_released (
            seq         INTEGER PRIMARY KEY,
            target      TEXT    NOT NULL,
            released_at INTEGER NOT NULL
          )""",
          "INSERT INTO ferry_released (seq, target, released_at)"
              + " SELECT seq, target, created_at FROM ferry_mutations WHERE state = 'quarantined'",
          // Acks now discard the shadows they beat at once (Protection.discardBeaten); do the same
          // for shadows kept by earlier versions, so none can outlive a pruned ack that beat it.
          "DELETE FROM ferry_shadows WHERE EXISTS (SELECT 1 FROM ferry_mutations m"
              + " WHERE m.target = ferry_shadows.target AND m.project = ferry_shadows.project"
              + " AND m.entity = ferry_shadows.entity AND m.entity_key = ferry_shadows.entity_key"
              + " AND m.state = 'acked' AND m.server_seq > ferry_shadows.server_seq)"),
      List.of(
          // Push and pull keep their own failure count and backoff (one failing side no longer
          // holds the other back); consecutive_failures and backoff_until sum them up for status.
          // A file's single backoff is taken over by the side its phase names, else by both.
          "ALTER TABLE ferry_targets ADD COLUMN push_failures INTEGER NOT NULL DEFAULT 0",
          "ALTER TABLE ferry_targets ADD COLUMN push_backoff_until INTEGER",
          "ALTER TABLE ferry_targets ADD COLUMN pull_failures INTEGER NOT NULL DEFAULT 0",
          "ALTER TABLE ferry_targets ADD COLUMN pull_backoff_until INTEGER",
          "UPDATE ferry_targets SET push_failures = consecutive_failures, push_backoff_until = backoff_until"
              + " WHERE phase <> 'pull_failed'",
          "UPDATE ferry_targets SET pull_failures = consecutive_failures, pull_backoff_until = backoff_until"
              + " WHERE phase <> 'push_failed'",
          // The identity of the server log the cursor counts in (see FencedWriter#resetToLog); NULL
          // until the first answer that carries one.
          "ALTER TABLE ferry_targets ADD COLUMN log_id TEXT",
          // And which mutation sits at the cursor ("replica_id/client_seq"), so an older copy of the
          // same log, grown past the cursor again, is told apart by what it has at that seq.
          "ALTER TABLE ferry_targets ADD COLUMN cursor_anchor TEXT",
          // Pulled mutations that failed to apply again and again (poison): kept with their error
          // until an operator retries or skips them, so the cursor can move past them. See Inbox.
          """
          CREATE TABLE ferry_inbound_quarantine (
            target        TEXT    NOT NULL,
            server_seq    INTEGER NOT NULL,
            replica_id    TEXT    NOT NULL,
            client_seq    INTEGER NOT NULL,
            project       TEXT    NOT NULL,
            entity        TEXT    NOT NULL,
            entity_key    TEXT    NOT NULL,
            op            TEXT    NOT NULL,
            payload       TEXT    NOT NULL,
            created_at    INTEGER NOT NULL,
            accepted_at   INTEGER NOT NULL,
            error_code    TEXT    NOT NULL,
            error         TEXT    NOT NULL,
            attempts      INTEGER NOT NULL,
            quarantined_at INTEGER NOT NULL,
            newer_seq     INTEGER,
            PRIMARY KEY (target, server_seq)
          )""",
          "CREATE INDEX ferry_inbound_quarantine_by_key"
              + " ON ferry_inbound_quarantine (target, project, entity, entity_key)",
          // Failed apply attempts of a pulled mutation not yet quarantined (the cursor waits before it).
          """
          CREATE TABLE ferry_inbound_attempts (
            target     TEXT    NOT NULL,
            server_seq INTEGER NOT NULL,
            attempts   INTEGER NOT NULL,
            error_kind TEXT    NOT NULL,
            last_error TEXT    NOT NULL,
            updated_at INTEGER NOT NULL,
            PRIMARY KEY (target, server_seq)
          )""",
          // Replica ids this file used before (restored or copied file, operator reset): their
          // echoes are this file's only where a local row matches them. See ReplicaIds.
          """
          CREATE TABLE ferry_former_replica_ids (
            replica_id TEXT    PRIMARY KEY,
            retired_at INTEGER NOT NULL,
            reason     TEXT    NOT NULL
          )""",
          // Whether the holder also holds the lease's file lock, so that a free file lock proves
          // its process gone. See LeaseFileLocks.
          "ALTER TABLE ferry_leases ADD COLUMN lock_held INTEGER NOT NULL DEFAULT 0"));

  private Schema() {}

  /**
   * Brings the file to {@link #CURRENT_VERSION} and returns the replica id, making one if this is
   * the first open. Runs inside the caller's write transaction.
   *
   * @throws StoreException {@code SCHEMA_TOO_NEW} for a file of a newer Ferry, {@code CORRUPT} for
   *     an unreadable version
   */
  static String migrate(Tx tx, String description, RandomGenerator random) throws SQLException {
    try (Statement s = tx.connection().createStatement()) {
      s.execute(META);
    }
    int version = readVersion(tx, description);
    if (version > CURRENT_VERSION) {
      throw new StoreException(
          StoreException.Kind.SCHEMA_TOO_NEW,
          description + " has Ferry schema version " + version + " but this Ferry supports up to "
              + CURRENT_VERSION + "; upgrade Ferry to open it (the file was not changed)");
    }
    for (int v = version; v < CURRENT_VERSION; v++) {
      try (Statement s = tx.connection().createStatement()) {
        for (String ddl : MIGRATIONS.get(v)) {
          s.execute(ddl);
        }
      }
      putMeta(tx, VERSION_KEY, Integer.toString(v + 1));
      putMeta(tx, "migration." + (v + 1) + ".applied_at", Long.toString(tx.now()));
    }
    try (PreparedStatement ps = tx.connection().prepareStatement(
        "INSERT OR IGNORE INTO ferry_meta (key, value) VALUES (?, ?)")) {
      ps.setString(1, REPLICA_ID_KEY);
      ps.setString(2, randomUuid(random));
      ps.executeUpdate();
    }
    return readMeta(tx, REPLICA_ID_KEY);
  }

  private static int readVersion(Tx tx, String description) throws SQLException {
    String raw = readMetaOrNull(tx, VERSION_KEY);
    if (raw == null) {
      return 0;
    }
    try {
      int v = Integer.parseInt(raw.trim());
      if (v < 1) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw new StoreException(
          StoreException.Kind.CORRUPT,
          description + " has an unreadable Ferry schema version '" + raw + "' in ferry_meta");
    }
  }

  private static void putMeta(Tx tx, String key, String value) throws SQLException {
    try (PreparedStatement ps = tx.connection().prepareStatement(
        "INSERT INTO ferry_meta (key, value) VALUES (?, ?)"
            + " ON CONFLICT (key) DO UPDATE SET value = excluded.value")) {
      ps.setString(1, key);
      ps.setString(2, value);
      ps.executeUpdate();
    }
  }

  private static String readMeta(Tx tx, String key) throws SQLException {
    String value = readMetaOrNull(tx, key);
    if (value == null) {
      throw new IllegalStateException("ferry_meta has no " + key + " right after writing it");
    }
    return value;
  }

  private static @Nullable String readMetaOrNull(Tx tx, String key) throws SQLException {
    try (PreparedStatement ps = tx.connection().prepareStatement("SELECT value FROM ferry_meta WHERE key = ?")) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  /** A version 4 UUID from the injected random source. */
  static String randomUuid(RandomGenerator random) {
    long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
    long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb).toString();
  }
}
