package dev.ferry.server.internal.storage;

import dev.ferry.server.AppendResult;
import dev.ferry.server.CommitListener;
import dev.ferry.server.MutationLog;
import dev.ferry.server.ProjectSet;
import dev.ferry.server.StorageException;
import dev.ferry.server.internal.DaemonThreads;
import dev.ferry.server.internal.LoggedFailure;
import dev.ferry.transport.wire.PullResponse;
import dev.ferry.transport.wire.PushMutation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The SQLite {@link MutationLog}: WAL mode, one long-lived writer connection used by one append at
 * a time, and a few reader connections that read concurrently with it.
 *
 * <p>Appends run in {@code BEGIN IMMEDIATE} transactions issued here rather than through the
 * driver's transaction mode (which re-begins after commit and keeps holding the write lock). With
 * writers serialized, seqs are assigned in commit order, so a reader never sees a seq before a
 * lower one.
 *
 * <p>WAL checkpoints run on a background thread every {@value #CHECKPOINT_MILLIS} ms instead of
 * inside whichever commit crosses SQLite's auto-checkpoint threshold: copying pages back to the
 * database file then no longer lands on one unlucky push's latency, and it uses the other core.
 * A run with nothing committed since the last complete checkpoint does nothing, so an idle server
 * does not touch its file. Thread-safe.
 */
public final class SqliteMutationLog implements MutationLog {

  private static final Logger LOG = LoggerFactory.getLogger(SqliteMutationLog.class);

  private static final int READERS = 4;
  private static final long CHECKPOINT_MILLIS = 250;
  private static final Duration BORROW_TIMEOUT = Duration.ofSeconds(10);

  private final Path file;
  private final Handle writer;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final HandlePool readers;
  private final CommitListeners listeners = new CommitListeners();
  private final ScheduledExecutorService checkpointer;
  private final AtomicBoolean writerClosed = new AtomicBoolean();
  /** Whether the WAL may hold frames not yet copied back: set by commits, cleared by checkpoints. */
  private final AtomicBoolean walDirty = new AtomicBoolean();
  private volatile boolean closed;

  private SqliteMutationLog(Path file, Handle writer, HandlePool readers) {
    this.file = file;
    this.writer = writer;
    this.readers = readers;
    this.checkpointer =
        Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("ferry-sqlite-checkpoint"));
    checkpointer.scheduleWithFixedDelay(
        this::checkpoint, CHECKPOINT_MILLIS, CHECKPOINT_MILLIS, TimeUnit.MILLISECONDS);
  }

  private void checkpoint() {
    if (closed) {
      return;
    }
    if (!walDirty.getAndSet(false)) {
      return;
    }
    try {
      // (busy, frames in the WAL, frames checkpointed): a passive checkpoint stops short of frames
      // a reader still needs, and those are copied by a later run.
      int[] r = readers.with(h -> h.createQuery("PRAGMA wal_checkpoint(PASSIVE)")
          .map((rs, ctx) -> new int[] {rs.getInt(1), rs.getInt(2), rs.getInt(3)}).one());
      if (r[0] != 0 || r[2] < r[1]) {
        walDirty.set(true);
      }
    } catch (RuntimeException e) {
      // A failed passive checkpoint only leaves the WAL longer; the next run tries again.
      walDirty.set(true);
      LOG.debug("WAL checkpoint of {} failed: {}", file, LoggedFailure.describe(e));
    }
  }

  /**
   * Opens (creating if needed) the log in {@code file}.
   *
   * @throws StorageException if the file cannot be opened or its tables created
   */
  public static SqliteMutationLog open(Path file) {
    Objects.requireNonNull(file, "file");
    Path absolute = file.toAbsolutePath();
    try {
      if (absolute.getParent() != null) {
        Files.createDirectories(absolute.getParent());
      }
    } catch (IOException e) {
      throw new StorageException("cannot create the directory of " + absolute, e);
    }
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
    config.setBusyTimeout(10_000);
    SQLiteDataSource source = new SQLiteDataSource(config);
    source.setUrl("jdbc:sqlite:" + absolute);
    Jdbi jdbi = Jdbi.create(source);
    Handle writer = null;
    try {
      writer = jdbi.open();
      Handle w = writer;
      w.execute("PRAGMA wal_autocheckpoint = 0");
      inImmediate(
          w,
          h -> {
            LogTables.CREATE.forEach(h::execute);
            return null;
          });
      HandlePool readers = new HandlePool(READERS, jdbi::open, BORROW_TIMEOUT);
      return new SqliteMutationLog(absolute, w, readers);
    } catch (JdbiException e) {
      if (writer != null) {
        writer.close();
      }
      throw new StorageException("cannot open the SQLite log " + absolute, e);
    }
  }

  @Override
  public AppendResult append(
      String tenant,
      String principal,
      String replicaId,
      long leaseEpoch,
      List<PushMutation> mutations,
      Instant acceptedAt) {
    AppendResult result;
    writeLock.lock();
    try {
      checkOpen();
      result =
          inImmediate(
              writer,
              h -> {
                // The wait for the write lock may have outlasted a close: store nothing then.
                checkOpen();
                return LogAppender.append(
                    h, tenant, principal, replicaId, leaseEpoch, mutations, acceptedAt);
              });
    } catch (JdbiException e) {
      throw new StorageException("append to the SQLite log failed", e);
    } finally {
      writeLock.unlock();
      // A close while this append held the lock left the writer to it (see close()).
      if (closed && writeLock.tryLock()) {
        try {
          closeWriter();
        } finally {
          writeLock.unlock();
        }
      }
    }
    // Any append may have committed (a remembered lease epoch, say), so the next run checks.
    walDirty.set(true);
    if (LogAppender.addedRows(result)) {
      listeners.committed(tenant);
    }
    return result;
  }

  @Override
  public PullResponse read(String tenant, ProjectSet readable, long since, int limit) {
    return read(tenant, readable, since, limit, Long.MAX_VALUE);
  }

  @Override
  public PullResponse read(
      String tenant, ProjectSet readable, long since, int limit, long maxBytes) {
    checkOpen();
    PullResponse page;
    try {
      page = readers.with(h -> PageReader.read(h, tenant, readable, since, limit, maxBytes));
    } catch (JdbiException e) {
      throw new StorageException("read from the SQLite log failed", e);
    }
    return page.logId() != null ? page : PageReader.withLogId(page, logId(tenant));
  }

  /** The tenant's log id; the first call for a tenant makes it, through the writer. */
  @Override
  public String logId(String tenant) {
    checkOpen();
    try {
      java.util.Optional<String> known = readers.with(h -> LogIdentity.find(h, tenant));
      if (known.isPresent()) {
        return known.get();
      }
    } catch (JdbiException e) {
      throw new StorageException("read from the SQLite log failed", e);
    }
    writeLock.lock();
    try {
      checkOpen();
      String id =
          inImmediate(writer, h -> LogIdentity.ensure(h, tenant, System.currentTimeMillis()));
      walDirty.set(true);
      return id;
    } catch (JdbiException e) {
      throw new StorageException("making the log id in the SQLite log failed", e);
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public Map<Long, AppendResult.Entry> findStored(
      String tenant, String principal, String replicaId, List<PushMutation> mutations) {
    checkOpen();
    try {
      return readers.with(h -> DedupeLookup.findIfBound(h, tenant, principal, replicaId, mutations));
    } catch (JdbiException e) {
      throw new StorageException("lookup in the SQLite log failed", e);
    }
  }

  @Override
  public void addCommitListener(CommitListener listener) {
    listeners.add(listener);
  }

  @Override
  public String describe() {
    return "sqlite:" + file;
  }

  /**
   * Closes the readers at once, and the writer at once unless an append is using it: then that
   * append closes it when it ends, storing nothing. Never waits for an append, which may be waiting
   * out SQLite's busy timeout for another process's lock, so that a server stop keeps its deadline.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    checkpointer.shutdownNow();
    readers.close();
    // Set closed first: an append that holds the lock now sees it after unlocking.
    if (writeLock.tryLock()) {
      try {
        closeWriter();
      } finally {
        writeLock.unlock();
      }
    }
  }

  private void closeWriter() {
    if (writerClosed.compareAndSet(false, true)) {
      writer.close();
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new StorageException("the SQLite log is closed", new IllegalStateException("closed"));
    }
  }

  /** Runs {@code work} in a {@code BEGIN IMMEDIATE} transaction, rolling back on any failure. */
  private static <T> T inImmediate(Handle h, Function<Handle, T> work) {
    h.execute("BEGIN IMMEDIATE");
    boolean committed = false;
    try {
      T result = work.apply(h);
      h.execute("COMMIT");
      committed = true;
      return result;
    } finally {
      if (!committed) {
        try {
          h.execute("ROLLBACK");
        } catch (JdbiException rollbackFailure) {
          // SQLite may already have rolled back (e.g. after SQLITE_FULL); nothing is left open.
        }
      }
    }
  }
}
