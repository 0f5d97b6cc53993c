package dev.ferry.store.internal;

import dev.ferry.store.ImmediateTransactionHandler;
import dev.ferry.store.StoreBusyException;
import dev.ferry.store.StoreConfig;
import dev.ferry.store.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's connections to one SQLite database: a long-lived writer connection for every write
 * the store makes itself (so its statements stay prepared and its {@code data_version} tells other
 * connections' commits apart from its own) and a long-lived reader connection, so status reads
 * never queue behind a page being applied. Each is guarded by its own lock. Thread-safe.
 */
public final class Db implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Db.class);
  private static final long READ_RETRY_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  /** A unit of work on one of the store's connections. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Tx tx) throws Exception;
  }

  private final StoreConfig config;
  private final String description;
  private final Jdbi hostJdbi;
  private final ConnectionOpener opener;
  /** Replaced when a failed write leaves it unusable; guarded by {@link #writeLock}. */
  private Handle writer;
  /** Bumped when the writer is replaced; guarded by {@link #writeLock}. */
  private int writerGeneration;
  private volatile long lastDataVersion;
  private final Handle reader;
  private final StatementCache writerStatements = new StatementCache();
  private final StatementCache readerStatements = new StatementCache();
  private final ReentrantLock writeLock = new ReentrantLock();
  private final ReentrantLock readLock = new ReentrantLock();
  private final @Nullable ConnectionPool pool;
  private final @Nullable Path file;
  private volatile boolean closed;

  private Db(StoreConfig config, String description, ConnectionOpener opener, Jdbi hostJdbi,
      @Nullable ConnectionPool pool) {
    this.config = config;
    this.pool = pool;
    this.description = description;
    this.hostJdbi = hostJdbi;
    this.opener = opener;
    Handle w = null;
    Handle r = null;
    try {
      w = opener.openWriter();
      r = opener.openReader();
      opener.checkNotShared(w, r);
      opener.enableWal(w);
      this.writer = w;
      this.reader = r;
      write("opening " + description, tx -> Schema.migrate(tx, description, config.random()));
      this.file = mainFile(r);
      dataVersion();
    } catch (RuntimeException e) {
      closeQuietly(r);
      closeQuietly(w);
      throw e;
    }
  }

  /**
   * Opens (creating if missing) the SQLite file at {@code file}.
   *
   * @throws StoreException {@code CANNOT_OPEN}, {@code NOT_A_DATABASE}, {@code CORRUPT} or
   *     {@code SCHEMA_TOO_NEW}, each with a message naming the file
   */
  public static Db open(Path file, StoreConfig config) {
    Path absolute = file.toAbsolutePath().normalize();
    String description = "database file " + absolute;
    Path parent = absolute.getParent();
    if (Files.isDirectory(absolute)) {
      throw new StoreException(StoreException.Kind.CANNOT_OPEN, description + " is a directory");
    }
    if (parent == null || !Files.isDirectory(parent)) {
      throw new StoreException(
          StoreException.Kind.CANNOT_OPEN, description + " cannot be created: directory " + parent + " does not exist");
    }
    // A file: URI, so characters such as '?' or '#' in the path are not read as URL parameters.
    String url = "jdbc:sqlite:file:" + absolute.toUri().getRawPath();
    ConnectionPool pool = new ConnectionPool(ConnectionOpener.dataSource(url, config, true));
    Jdbi host = Jdbi.create(pool);
    host.installPlugin(new SqlObjectPlugin());
    host.setTransactionHandler(new ImmediateTransactionHandler(config.lockRetries()));
    Jdbi internal = Jdbi.create(ConnectionOpener.dataSource(url, config, false));
    try {
      return new Db(config, description, new ConnectionOpener(internal, null, description, config), host, pool);
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  /**
   * Uses the host's Jdbi, which must reach a SQLite database; the store borrows two connections
   * from it for as long as it is open and never changes the host's Jdbi configuration.
   *
   * @throws StoreException {@code NOT_A_DATABASE} when the Jdbi does not reach SQLite, and the
   *     same kinds as {@link #open(Path, StoreConfig)}
   */
  public static Db open(Jdbi hostJdbi, StoreConfig config) {
    Jdbi internal = Jdbi.create(new HostConnections(hostJdbi));
    String description = "the host's SQLite database";
    return new Db(config, description, new ConnectionOpener(internal, hostJdbi, description, config), hostJdbi, null);
  }

  /** The database's main file as SQLite names it (absolute), or null for an in-memory database. */
  private static @Nullable Path mainFile(Handle h) {
    try (Statement s = h.getConnection().createStatement();
        ResultSet rs = s.executeQuery("PRAGMA database_list")) {
      while (rs.next()) {
        String name = rs.getString(2);
        String path = rs.getString(3);
        if ("main".equals(name) && path != null && !path.isEmpty()) {
          return Path.of(path).toAbsolutePath().normalize();
        }
      }
      return null;
    } catch (SQLException | RuntimeException e) {
      LOG.debug("cannot tell the database file: {}", e.toString());
      return null;
    }
  }

  /** The database's main file, or null when it has none (in-memory). */
  public @Nullable Path file() {
    return file;
  }

  /** The configuration the store was opened with. */
  public StoreConfig config() {
    return config;
  }

  /**
   * This file's replica id as the file says now: it changes when the file takes a fresh one
   * ({@link ReplicaIds#rotate}), possibly in another process.
   */
  public String replicaId() {
    return read("reading the replica id", ReplicaIds::current);
  }

  /** The Jdbi hosts write through: Ferry's own (with {@link ImmediateTransactionHandler}) or the host's. */
  public Jdbi hostJdbi() {
    return hostJdbi;
  }

  /**
   * Runs {@code work} in a {@code BEGIN IMMEDIATE} transaction on the writer connection; commits
   * when it returns, rolls back when it throws.
   *
   * @param what what the work does, for error messages
   */
  public <T> T write(String what, Work<T> work) {
    writeLock.lock();
    try {
      ensureOpen();
      if (writer.isInTransaction()) {
        // Only possible when the host's Jdbi lets the host reach the store's connection; joining
        // would make this write part of the host's commit or rollback.
        throw new StoreException(StoreException.Kind.INTERNAL,
            what + " refused: the store's writer connection is already in a transaction the store did not"
                + " begin; is the host using a connection the store holds?");
      }
      try {
        return writer.inTransaction(h -> work.run(new Tx(h, writerStatements, config)));
      } catch (Exception e) {
        recoverWriter(e);
        throw e;
      }
    } catch (StoreBusyException e) {
      // The handler gave up on BEGIN IMMEDIATE; say which operation it was.
      throw new StoreBusyException(what + " failed: " + e.getMessage(), e.getCause() != null ? e.getCause() : e);
    } catch (Exception e) {
      throw SqliteErrors.translate(e, what);
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * After a failed write, makes sure the long-lived writer is out of any transaction: the handler
   * has rolled back, but if its {@code ROLLBACK} failed, or the work (a host applier) closed the
   * connection or managed the transaction itself, the writer would hold the write lock or refuse
   * every later write. Such a writer is closed and replaced.
   */
  private void recoverWriter(Exception failure) {
    try {
      Connection c = writer.getConnection();
      if (!c.isClosed() && c.getAutoCommit()) {
        try {
          execute(c, "ROLLBACK");
          LOG.warn("a failed write left a transaction open on the store's writer connection; rolled it back");
          return;
        } catch (SQLException e) {
          if (String.valueOf(e.getMessage()).contains("no transaction is active")) {
            return;
          }
          failure.addSuppressed(e);
        }
      }
    } catch (SQLException e) {
      failure.addSuppressed(e);
    }
    LOG.warn("the store's writer connection is unusable after a failed write; opening a new one", failure);
    writerStatements.closeAll();
    closeQuietly(writer);
    writerGeneration++;
    try {
      writer = opener.openWriter();
    } catch (RuntimeException e) {
      // The closed handle stays; the next write fails and tries again.
      failure.addSuppressed(e);
    }
  }

  /**
   * Runs {@code work} in one read transaction on the reader connection, so everything it reads
   * belongs to the same snapshot. Retried when the snapshot cannot be taken for a lock.
   */
  public <T> T read(String what, Work<T> work) {
    readLock.lock();
    try {
      ensureOpen();
      for (int attempt = 0; ; attempt++) {
        try {
          return readOnce(work);
        } catch (Exception e) {
          if (!SqliteErrors.isBusy(e) || attempt >= config.lockRetries()) {
            throw SqliteErrors.translate(e, what);
          }
          pauseBeforeRetry(e);
        }
      }
    } finally {
      readLock.unlock();
    }
  }

  /**
   * One read transaction. Whatever fails after {@code BEGIN}, the work or the {@code COMMIT} (a
   * deferred constraint, say), is rolled back: a reader left in its transaction would pin the WAL
   * and fail every later read.
   */
  private <T> T readOnce(Work<T> work) throws Exception {
    Connection c = reader.getConnection();
    execute(c, "BEGIN");
    try {
      T result = work.run(new Tx(reader, readerStatements, config));
      execute(c, "COMMIT");
      return result;
    } catch (Exception | Error e) {
      rollbackQuietly(c, e);
      throw e;
    }
  }

  /**
   * {@code PRAGMA data_version} of the writer connection: it changes whenever another connection
   * or process commits, and never for the store's own writes (a connection of its own would see
   * those too). Never waits for the writer: while a write holds it, the last value read is
   * returned; a commit made meanwhile by someone else shows in the first call after the write,
   * since the writer's data version counts every foreign commit it meets. A replaced writer starts
   * a new range of values, so a replacement never hides a change.
   */
  public long dataVersion() {
    ensureOpen();
    if (!writeLock.tryLock()) {
      return lastDataVersion;
    }
    try {
      ensureOpen();
      PreparedStatement ps = writerStatements.get(writer.getConnection(), "PRAGMA data_version");
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        lastDataVersion = ((long) writerGeneration << 32) | (rs.getLong(1) & 0xFFFF_FFFFL);
        return lastDataVersion;
      }
    } catch (SQLException e) {
      throw SqliteErrors.translate(e, "reading data_version");
    } finally {
      writeLock.unlock();
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new StoreException(StoreException.Kind.CLOSED, "the store for " + description + " is closed");
    }
  }

  private static void pauseBeforeRetry(Exception cause) {
    LockSupport.parkNanos(READ_RETRY_PAUSE_NANOS);
    if (Thread.interrupted()) {
      Thread.currentThread().interrupt();
      throw new StoreException(StoreException.Kind.INTERRUPTED, "interrupted while waiting for a lock", cause);
    }
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static void rollbackQuietly(Connection c, Throwable failure) {
    try {
      execute(c, "ROLLBACK");
    } catch (SQLException e) {
      failure.addSuppressed(e);
    }
  }

  /** Closes both connections after the work in progress on them finishes. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    writeLock.lock();
    readLock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      writerStatements.closeAll();
      readerStatements.closeAll();
      closeQuietly(reader);
      closeQuietly(writer);
      if (pool != null) {
        pool.close();
      }
    } finally {
      readLock.unlock();
      writeLock.unlock();
    }
  }

  static void closeQuietly(@Nullable Handle h) {
    if (h == null) {
      return;
    }
    try {
      h.close();
    } catch (RuntimeException e) {
      LOG.warn("closing a store connection failed", e);
    }
  }
}
