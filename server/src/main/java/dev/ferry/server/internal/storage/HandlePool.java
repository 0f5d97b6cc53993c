package dev.ferry.server.internal.storage;

import dev.ferry.server.StorageException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;

/**
 * A fixed set of open Jdbi handles lent out one caller at a time. Opening a connection per request
 * would cost more than the query itself (SQLite pragmas, PostgreSQL authentication), and the server
 * needs only a few. Thread-safe.
 */
final class HandlePool implements AutoCloseable {

  private final BlockingQueue<Handle> idle;
  private final List<Handle> all;
  private final Duration borrowTimeout;
  private volatile boolean closed;

  HandlePool(int size, Supplier<Handle> opener, Duration borrowTimeout) {
    this.idle = new ArrayBlockingQueue<>(size);
    this.all = new ArrayList<>(size);
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
   * @throws StorageException if no handle is free within the borrow timeout, the pool is closed,
   *     or the thread is interrupted (the interrupt flag is kept)
   */
  <T> T with(Function<Handle, T> work) {
    Handle h = borrow();
    try {
      return work.apply(h);
    } finally {
      idle.add(h);
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
    for (Handle h : all) {
      try {
        h.close();
      } catch (RuntimeException e) {
        // Closing a broken connection can fail; nothing is left to release.
      }
    }
  }
}
