package dev.ferry.store;

import dev.ferry.store.internal.SqliteErrors;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.transaction.TransactionException;
import org.jdbi.v3.core.transaction.TransactionHandler;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;
import org.sqlite.SQLiteConnection;

/**
 * A Jdbi transaction handler for SQLite that issues {@code BEGIN IMMEDIATE}, {@code COMMIT} and
 * {@code ROLLBACK} itself on a connection left in JDBC autocommit mode.
 *
 * <p>Why: a deferred transaction that reads and then writes can fail at once with {@code
 * SQLITE_BUSY} when another connection wrote in between (SQLite cannot upgrade a stale snapshot),
 * and sqlite-jdbc's own {@code transaction_mode=IMMEDIATE} begins the next transaction right after
 * each commit, so an idle connection keeps holding the write lock. {@code BEGIN IMMEDIATE} takes
 * the write lock up front, waiting up to the connection's {@code busy_timeout}; when it still
 * finds the database locked, it tries again {@code beginRetries} more times and then throws
 * {@link StoreBusyException}. Nothing else is retried, because only the {@code BEGIN} is known to
 * have done nothing.
 *
 * <p>Install it on the host's own Jdbi ({@code jdbi.setTransactionHandler(new
 * ImmediateTransactionHandler())}) so host transactions and Ferry's never deadlock each other.
 * SQLite transactions are always serializable, so a requested isolation level is satisfied by
 * running the transaction as is. Nested {@code inTransaction} calls join the open transaction.
 * Savepoints need an open transaction.
 *
 * <p>Thread-safe: Jdbi specializes it per handle, and a handle is used by one thread at a time.
 */
public final class ImmediateTransactionHandler implements TransactionHandler {

  /** Extra {@code BEGIN IMMEDIATE} attempts after a busy timeout unless configured otherwise. */
  public static final int DEFAULT_BEGIN_RETRIES = 3;

  private static final long RETRY_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  private final int beginRetries;

  /** A handler with {@value #DEFAULT_BEGIN_RETRIES} begin retries. */
  public ImmediateTransactionHandler() {
    this(DEFAULT_BEGIN_RETRIES);
  }

  /** @param beginRetries extra attempts after a busy timeout, from 0 to 100 */
  public ImmediateTransactionHandler(int beginRetries) {
    if (beginRetries < 0 || beginRetries > 100) {
      throw new IllegalArgumentException("beginRetries must be between 0 and 100 but was " + beginRetries);
    }
    this.beginRetries = beginRetries;
  }

  @Override
  public TransactionHandler specialize(Handle handle) {
    return new Bound();
  }

  // Jdbi calls only the specialized instance; these exist because the interface demands them.

  @Override
  public void begin(Handle handle) {
    throw unspecialized();
  }

  @Override
  public void commit(Handle handle) {
    throw unspecialized();
  }

  @Override
  public void rollback(Handle handle) {
    throw unspecialized();
  }

  @Override
  public boolean isInTransaction(Handle handle) {
    throw unspecialized();
  }

  @Override
  public void savepoint(Handle handle, String name) {
    throw unspecialized();
  }

  @Override
  public void rollbackToSavepoint(Handle handle, String name) {
    throw unspecialized();
  }

  @Override
  public void releaseSavepoint(Handle handle, String name) {
    throw unspecialized();
  }

  @Override
  public <R, X extends Exception> R inTransaction(Handle handle, HandleCallback<R, X> callback) {
    throw unspecialized();
  }

  @Override
  public <R, X extends Exception> R inTransaction(
      Handle handle, TransactionIsolationLevel level, HandleCallback<R, X> callback) {
    throw unspecialized();
  }

  private static IllegalStateException unspecialized() {
    return new IllegalStateException(
        "ImmediateTransactionHandler must be installed on a Jdbi (setTransactionHandler); "
            + "Jdbi then specializes it per handle");
  }

  /** The per-handle state: whether this handler has a transaction open on the handle. */
  private final class Bound implements TransactionHandler {
    private boolean active;

    @Override
    public void begin(Handle handle) {
      if (active) {
        throw new TransactionException("a transaction is already open on this handle");
      }
      Connection c = handle.getConnection();
      try {
        if (!c.getAutoCommit()) {
          throw new TransactionException(
              "the connection has JDBC autocommit off; ImmediateTransactionHandler needs it on "
                  + "because it issues BEGIN IMMEDIATE itself");
        }
      } catch (SQLException e) {
        throw new TransactionException("cannot read the connection's autocommit mode", e);
      }
      beginImmediate(c);
      active = true;
    }

    private void beginImmediate(Connection c) {
      for (int attempt = 0; ; attempt++) {
        try {
          execute(c, "BEGIN IMMEDIATE");
          return;
        } catch (SQLException e) {
          if (!SqliteErrors.isBusy(e)) {
            throw new TransactionException("BEGIN IMMEDIATE failed: " + e.getMessage(), e);
          }
          if (attempt >= beginRetries) {
            throw new StoreBusyException(
                "could not begin a write transaction: the database stayed locked by another "
                    + "connection through " + (attempt + 1) + " busy timeouts of " + busyTimeout(c)
                    + "; a long transaction in another connection or process holds the write lock",
                e);
          }
          LockSupport.parkNanos(RETRY_PAUSE_NANOS);
          if (Thread.interrupted()) {
            Thread.currentThread().interrupt();
            throw new StoreException(
                StoreException.Kind.INTERRUPTED, "interrupted while waiting for the write lock", e);
          }
        }
      }
    }

    @Override
    public void commit(Handle handle) {
      requireActive("commit");
      try {
        execute(handle.getConnection(), "COMMIT");
        active = false;
      } catch (SQLException e) {
        try {
          execute(handle.getConnection(), "ROLLBACK");
        } catch (SQLException rollbackFailure) {
          e.addSuppressed(rollbackFailure);
        }
        active = false;
        throw new TransactionException("COMMIT failed, the transaction was rolled back: " + e.getMessage(), e);
      }
    }

    @Override
    public void rollback(Handle handle) {
      if (!active) {
        return;
      }
      active = false;
      try {
        execute(handle.getConnection(), "ROLLBACK");
      } catch (SQLException e) {
        // SQLite rolls back by itself after some errors (disk full, I/O); nothing is left to undo.
        if (!String.valueOf(e.getMessage()).contains("no transaction is active")) {
          throw new TransactionException("ROLLBACK failed: " + e.getMessage(), e);
        }
      }
    }

    @Override
    public boolean isInTransaction(Handle handle) {
      if (active) {
        return true;
      }
      try {
        // A connection whose owner turned autocommit off is in a transaction someone else manages.
        return !handle.getConnection().getAutoCommit();
      } catch (SQLException e) {
        throw new TransactionException("cannot read the connection's autocommit mode", e);
      }
    }

    @Override
    public void savepoint(Handle handle, String name) {
      requireOpen(handle, "savepoint");
      run(handle, "SAVEPOINT " + quote(name));
    }

    @Override
    public void rollbackToSavepoint(Handle handle, String name) {
      requireOpen(handle, "rollbackToSavepoint");
      run(handle, "ROLLBACK TO SAVEPOINT " + quote(name));
    }

    @Override
    public void releaseSavepoint(Handle handle, String name) {
      requireOpen(handle, "releaseSavepoint");
      run(handle, "RELEASE SAVEPOINT " + quote(name));
    }

    @Override
    public <R, X extends Exception> R inTransaction(Handle handle, HandleCallback<R, X> callback) throws X {
      if (isInTransaction(handle)) {
        return callback.withHandle(handle);
      }
      handle.begin();
      R result;
      try {
        result = callback.withHandle(handle);
      } catch (Throwable t) {
        try {
          handle.rollback();
        } catch (RuntimeException rollbackFailure) {
          t.addSuppressed(rollbackFailure);
        }
        throw t;
      }
      handle.commit();
      return result;
    }

    @Override
    public <R, X extends Exception> R inTransaction(
        Handle handle, TransactionIsolationLevel level, HandleCallback<R, X> callback) throws X {
      return inTransaction(handle, callback);
    }

    private void requireActive(String operation) {
      if (!active) {
        throw new TransactionException(operation + " called without a transaction begun by this handler");
      }
    }

    private void requireOpen(Handle handle, String operation) {
      if (!isInTransaction(handle)) {
        throw new TransactionException(operation + " needs an open transaction");
      }
    }

    private void run(Handle handle, String sql) {
      try {
        execute(handle.getConnection(), sql);
      } catch (SQLException e) {
        throw new TransactionException(sql + " failed: " + e.getMessage(), e);
      }
    }
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static String quote(String identifier) {
    if (identifier == null || identifier.isEmpty()) {
      throw new IllegalArgumentException("savepoint name must not be empty");
    }
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  private static String busyTimeout(Connection c) {
    try {
      if (c.isWrapperFor(SQLiteConnection.class)) {
        return c.unwrap(SQLiteConnection.class).getBusyTimeout() + " ms";
      }
    } catch (SQLException e) {
      // Only the message loses detail.
    }
    return "the connection's busy_timeout";
  }
}
