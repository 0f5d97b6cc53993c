package dev.ferry.store.internal;

import dev.ferry.store.ImmediateTransactionHandler;
import dev.ferry.store.StoreConfig;
import dev.ferry.store.StoreException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.jspecify.annotations.Nullable;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteDataSource;

/**
 * Opens the store's long-lived connections with its settings and checks that they are fit: SQLite,
 * in WAL mode, and, when borrowed from the host's Jdbi, never shared with the host. Used by {@link
 * Db} at open and when it replaces a broken writer. Thread-safe (holds only immutable state).
 */
final class ConnectionOpener {

  private final Jdbi internal;
  private final @Nullable Jdbi lender;
  private final String description;
  private final StoreConfig config;

  /**
   * @param internal the store's own Jdbi over the file or over {@code lender}'s connections; gets
   *     the SqlObject plugin and the writer's transaction handler
   * @param lender the host's Jdbi the connections are borrowed from, null when the store opened
   *     the file itself
   * @param description the database, for messages
   */
  ConnectionOpener(Jdbi internal, @Nullable Jdbi lender, String description, StoreConfig config) {
    this.internal = internal;
    this.lender = lender;
    this.description = description;
    this.config = config;
    internal.installPlugin(new SqlObjectPlugin());
    // Only the writer begins transactions through the handler; the reader issues its own BEGIN.
    internal.setTransactionHandler(new ImmediateTransactionHandler(WriterWait.of(config).retries()));
  }

  /** A data source for the file at {@code url} with the store's settings. */
  static SQLiteDataSource dataSource(String url, StoreConfig config, boolean forHost) {
    SQLiteConfig c = new SQLiteConfig();
    c.setBusyTimeout((int) config.busyTimeout().toMillis());
    c.setJournalMode(SQLiteConfig.JournalMode.WAL);
    c.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
    c.enforceForeignKeys(true);
    // The store reads seqs with RETURNING; skipping sqlite-jdbc's last_insert_rowid() query after
    // every update makes its own statements cheaper. Host connections keep the JDBC default.
    c.setGetGeneratedKeys(forHost);
    SQLiteDataSource ds = new SQLiteDataSource(c);
    ds.setUrl(url);
    return ds;
  }

  /** The writer: its busy timeout is one slice of {@link WriterWait}. */
  Handle openWriter() {
    return open("its writer connection", WriterWait.of(config).sliceMillis());
  }

  /** The reader, with the configured busy timeout. */
  Handle openReader() {
    return open("its reader connection", config.busyTimeout().toMillis());
  }

  private Handle open(String which, long busyTimeoutMillis) {
    Handle h;
    try {
      h = internal.open();
    } catch (RuntimeException e) {
      if (lender != null) {
        throw tooFewHostConnections(which, e);
      }
      throw SqliteErrors.translate(e, "opening " + description);
    }
    try {
      Connection c = h.getConnection();
      if (!c.getAutoCommit()) {
        c.setAutoCommit(true);
      }
      try (Statement s = c.createStatement()) {
        try (ResultSet rs = s.executeQuery("SELECT sqlite_version()")) {
          rs.next();
        }
        // Through sqlite-jdbc, so the connection reports the timeout it really has.
        c.unwrap(SQLiteConnection.class).setBusyTimeout((int) busyTimeoutMillis);
        s.execute("PRAGMA synchronous = NORMAL");
        s.execute("PRAGMA foreign_keys = ON");
      }
      return h;
    } catch (SQLException | RuntimeException e) {
      Db.closeQuietly(h);
      if (SqliteErrors.primaryCode(e) < 0) {
        throw notSqlite(e);
      }
      throw SqliteErrors.translate(e, "opening " + description);
    }
  }

  /**
   * On the host's Jdbi, the store keeps two connections for as long as it is open and must never
   * share one with the host: its fenced writes would join (and roll back with) the host's
   * transaction. Checked before anything is written, with a third connection standing in for the
   * host's own. Nothing to check when the store opened the file itself.
   *
   * @throws StoreException {@code CANNOT_OPEN} saying what the host's Jdbi must provide
   */
  void checkNotShared(Handle writer, Handle reader) {
    if (lender == null) {
      return;
    }
    SQLiteConnection writerConnection = sqlite(writer);
    SQLiteConnection readerConnection = sqlite(reader);
    if (writerConnection == readerConnection) {
      throw new StoreException(StoreException.Kind.CANNOT_OPEN,
          "the host's Jdbi handed out the same connection twice (a Jdbi made from a single Connection?);"
              + " the store needs connections of its own, or its writes would join the host's transactions:"
              + " open it on a Jdbi over a DataSource or pool with at least 3 connections");
    }
    Handle probe;
    try {
      probe = lender.open();
    } catch (RuntimeException e) {
      throw tooFewHostConnections("a connection for the host besides its own two", e);
    }
    try {
      SQLiteConnection hostConnection = sqlite(probe);
      if (hostConnection == writerConnection || hostConnection == readerConnection) {
        throw new StoreException(StoreException.Kind.CANNOT_OPEN,
            "the host's Jdbi hands the host the same connection the store holds; the store's writes would"
                + " join the host's transactions: open it on a Jdbi over a DataSource or pool with at least"
                + " 3 distinct connections");
      }
    } finally {
      Db.closeQuietly(probe);
    }
  }

  /** Switches the file to WAL, which several connections and processes need to share it. */
  void enableWal(Handle h) {
    try (Statement s = h.getConnection().createStatement();
        ResultSet rs = s.executeQuery("PRAGMA journal_mode = WAL")) {
      String mode = rs.next() ? rs.getString(1) : "unknown";
      if (!"wal".equalsIgnoreCase(mode)) {
        throw new StoreException(
            StoreException.Kind.CANNOT_OPEN,
            description + " cannot use write-ahead logging (journal_mode stays '" + mode
                + "'); Ferry needs WAL so several connections and processes can share the file");
      }
    } catch (SQLException e) {
      throw SqliteErrors.translate(e, "switching " + description + " to WAL");
    }
  }

  private StoreException tooFewHostConnections(String what, RuntimeException cause) {
    return new StoreException(StoreException.Kind.CANNOT_OPEN,
        "the host's Jdbi could not give the store " + what + " (" + SqliteErrors.rootMessage(cause) + "); the"
            + " store holds two of the host's connections while open, so the host's pool needs at least 3"
            + " connections (more if the host keeps several busy)", cause);
  }

  private SQLiteConnection sqlite(Handle h) {
    try {
      return h.getConnection().unwrap(SQLiteConnection.class);
    } catch (SQLException e) {
      throw notSqlite(e);
    }
  }

  private StoreException notSqlite(Exception e) {
    return new StoreException(
        StoreException.Kind.NOT_A_DATABASE, description + " is not reachable as SQLite: " + e.getMessage(), e);
  }
}
