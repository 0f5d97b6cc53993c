package dev.ferry.server.internal.storage;

import dev.ferry.server.StorageException;
import dev.ferry.server.internal.LoggedFailure;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fixed number of open Jdbi handles lent out one caller at a time. Opening a connection per
 * request would cost more than the query itself (SQLite pragmas, PostgreSQL authentication), and
 * the server needs only a few. A handle whose connection turns out dead after a failure (e.g. the
 * database restarted) is replaced, so the pool heals instead of failing forever. Thread-safe.
 */
final class HandlePool implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(HandlePool.class);
  private static final int VALIDATION_TIMEOUT_SECONDS = 2;

  private final BlockingQueue<Handle> idle;
  private final Set<Handle> all = ConcurrentHashMap.newKeySet();
  private final Supplier<Handle> opener;
  private final Duration borrowTimeout;
  private volatile boolean closed;

  HandlePool(int size, Supplier<Handle> opener, Duration borrowTimeout) {
    this.idle = new ArrayBlockingQueue<>(size);
    this.opener = opener;
    this.borrowTimeout = borrowTimeout;
    try {
      for (int i = 0; i < size; i++) {
        Handle h = opener.get();
        all.add(h);
        idle.add(h);
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /**
   * Runs {@code work} with a handle of its own.
   *
   * @throws StorageException if no handle is free within the borrow timeout, the pool is closed, or
   *     the thread is interrupted (the interrupt flag is kept)
   */
  <T> T with(Function<Handle, T> work) {
    Handle h = borrow();
    boolean failed = true;
    try {
      T result = work.apply(h);
      failed = false;
      return result;
    } finally {
      if (failed && !closed && !isValid(h)) {
        idle.add(replace(h));
        // What killed one connection (a database restart, a network cut) usually killed all.
        replaceDeadIdle();
      } else {
        idle.add(h);
      }
    }
  }

  private void replaceDeadIdle() {
    for (int n = idle.size(); n > 0; n--) {
      Handle h = idle.poll();
      if (h == null) {
        return;
      }
      idle.add(isValid(h) ? h : replace(h));
    }
  }

  /** A fresh handle in place of dead {@code h}, or {@code h} itself if none opens yet. */
  private Handle replace(Handle h) {
    try {
      Handle fresh = opener.get();
      all.add(fresh);
      all.remove(h);
      closeQuietly(h);
      LOG.info("replaced a dead database connection");
      return fresh;
    } catch (RuntimeException e) {
      LOG.warn(
          "a database connection is dead and no new one opens yet: {}", LoggedFailure.describe(e));
      return h;
    }
  }

  private static boolean isValid(Handle h) {
    try {
      return h.getConnection().isValid(VALIDATION_TIMEOUT_SECONDS);
    } catch (SQLException | RuntimeException e) {
      return false;
    }
  }

  private Handle borrow() {
    if (closed) {
      throw new StorageException("storage is closed", new IllegalStateException("closed"));
    }
    try {
      Handle h = idle.poll(borrowTimeout.toMillis(), TimeUnit.MILLISECONDS);
      if (h == null) {
        throw new StorageException(
            "no database connection became free within " + borrowTimeout,
            new IllegalStateException("pool exhausted"));
      }
      return h;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageException("interrupted while waiting for a database connection", e);
    }
  }

  /** Closes every handle; a handle lent out at the time is closed too, failing its user's work. */
  @Override
  public void close() {
    closed = true;
    all.forEach(HandlePool::closeQuietly);
  }

  private static void closeQuietly(Handle h) {
    try {
      h.close();
    } catch (RuntimeException e) {
      // Closing a broken connection can fail; nothing is left to release.
    }
  }
}
