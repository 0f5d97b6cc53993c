package dev.ferry.store;

import dev.ferry.store.internal.Checks;
import dev.ferry.store.internal.Db;
import dev.ferry.store.internal.HostStatementCache;
import dev.ferry.store.internal.Recorder;
import dev.ferry.store.internal.ReplicaIds;
import dev.ferry.store.internal.StatusReader;
import java.nio.file.Path;
import java.util.Objects;
import org.jdbi.v3.core.Jdbi;

/**
 * Ferry's state inside the host's SQLite file: the outbox, per-target state and cursor, the lease,
 * enrollment, pause reasons, shadows and the document store, all in {@code ferry_}-prefixed tables.
 *
 * <p>Opening sets WAL, {@code synchronous=NORMAL}, the busy timeout and foreign keys on the
 * store's connections and applies Ferry's versioned migrations (recorded in {@code ferry_meta},
 * idempotent, safe when several processes open the file at once). It never touches the host's
 * tables or {@code PRAGMA user_version}.
 *
 * <p>The store keeps two long-lived connections: one for every write it makes itself (lease,
 * acks, pages, targets; prepared statements stay cached on it) and one for reads, so a status read
 * never waits for a page being applied. Host writes go through the host's own connections ({@link
 * #jdbi()}). Thread-safe; close it when done.
 */
public final class SyncStore implements AutoCloseable {

  private final Db db;
  private final Outbox outbox;
  private final LeaseStore leases;
  private final TargetStore targets;
  private final Documents documents;
  private final Inbox inbox;

  private SyncStore(Db db) {
    this.db = db;
    Recorder recorder = new Recorder(db.config(), new HostStatementCache());
    this.outbox = new Outbox(db, recorder);
    this.leases = new LeaseStore(db);
    this.targets = new TargetStore(db);
    this.documents = new Documents(db, recorder);
    this.inbox = new Inbox(db);
  }

  /**
   * Opens the file with default settings, creating it if missing (its directory must exist).
   *
   * @throws StoreException {@code CANNOT_OPEN} (a directory, a missing directory), {@code
   *     NOT_A_DATABASE}, {@code CORRUPT}, {@code SCHEMA_TOO_NEW} (written by a newer Ferry), each
   *     with a message naming the file; the file is left as it was
   */
  public static SyncStore open(Path file) {
    return open(file, StoreConfig.defaults());
  }

  /** Like {@link #open(Path)} with the given settings. */
  public static SyncStore open(Path file, StoreConfig config) {
    Objects.requireNonNull(file, "file must not be null");
    Objects.requireNonNull(config, "config must not be null");
    return new SyncStore(Db.open(file, config));
  }

  /**
   * Opens the store on the host's Jdbi, which must reach a SQLite database file. The store borrows
   * two connections from it while open and leaves the Jdbi's configuration alone; install {@link
   * ImmediateTransactionHandler} on it yourself and give its connections a {@code busy_timeout}.
   *
   * <p>The Jdbi must hand out distinct connections, at least 3 at once (the store's two and one
   * for the host): a store sharing the host's connection would make its fenced writes part of the
   * host's transactions. Checked at open, before anything is written.
   *
   * @throws StoreException {@code CANNOT_OPEN} when the Jdbi hands out one connection twice (a Jdbi
   *     made from a single {@code Connection}) or cannot give 3 at once (a pool of 1 or 2),
   *     {@code NOT_A_DATABASE} when it does not reach SQLite, and the kinds of {@link #open(Path)}
   */
  public static SyncStore open(Jdbi hostJdbi) {
    return open(hostJdbi, StoreConfig.defaults());
  }

  /** Like {@link #open(Jdbi)} with the given settings. */
  public static SyncStore open(Jdbi hostJdbi, StoreConfig config) {
    Objects.requireNonNull(hostJdbi, "hostJdbi must not be null");
    Objects.requireNonNull(config, "config must not be null");
    return new SyncStore(Db.open(hostJdbi, config));
  }

  /**
   * This file's replica id: a random UUID made on first open and kept in {@code ferry_meta}, as the
   * file says now (see {@link #resetReplicaId}).
   */
  public String replicaId() {
    return db.replicaId();
  }

  /**
   * Takes a fresh replica id, for a file restored from a backup or copied to another machine: both
   * would otherwise hand out client seqs the server already holds under the old id. Every pending
   * write stays pending and is pushed under the new id; rows quarantined for {@code
   * replica_conflict} go back to pending; acked rows stay as they are. The old id is kept as a
   * former id: pulled mutations under it count as this file's own only where a local row is that
   * very write, all others are applied like remote ones. The sync loop does the same by itself when
   * it finds another history under its id (a {@code replica_conflict} push answer, or a pulled
   * mutation under its id that it did not write). Needs no lease; logged at WARN.
   *
   * @param reason why, kept with the old id and shown in status
   * @return the new replica id
   */
  public String resetReplicaId(String reason) {
    Checks.text(reason, "reason");
    return db.write("taking a fresh replica id", tx -> ReplicaIds.rotate(tx, reason));
  }

  /** The settings the store was opened with. */
  public StoreConfig config() {
    return db.config();
  }

  /**
   * The Jdbi for host transactions: when the store opened the file itself, a Jdbi with {@link
   * ImmediateTransactionHandler}, the busy timeout, WAL and the SqlObject plugin, whose handles
   * reuse up to 4 idle connections (a closed handle's connection goes back with any transaction it
   * left open rolled back; beyond 4 idle ones, connections are closed); when opened on the host's
   * Jdbi, that Jdbi.
   */
  public Jdbi jdbi() {
    return db.hostJdbi();
  }

  /** The outbox. */
  public Outbox outbox() {
    return outbox;
  }

  /** The per-target leases. */
  public LeaseStore leases() {
    return leases;
  }

  /** Per-target settings and state. */
  public TargetStore targets() {
    return targets;
  }

  /** The inbound quarantine: pulled mutations that could not be applied. */
  public Inbox inbox() {
    return inbox;
  }

  /** The built-in document store. */
  public Documents documents() {
    return documents;
  }

  /**
   * The sync loop's writer under {@code fence}, applying pulled mutations (and released shadows)
   * with {@code applier}.
   */
  public FencedWriter fenced(Fence fence, MutationApplier applier) {
    return new FencedWriter(db, fence, applier);
  }

  /** Everything the file says about {@code target}, read in one read transaction. */
  public StoreStatus status(String target) {
    Checks.text(target, "target");
    return StatusReader.read(db, target);
  }

  /**
   * {@code PRAGMA data_version} of the store's own writer connection: it changes when another
   * connection or process commits to the file (host writes included) and never for the store's
   * own writes. Compare successive values, and {@link Outbox#highestSeq()}, to notice writes from
   * other processes cheaply.
   *
   * <p>Never waits: while the store is writing (a page being applied, say), it returns the value
   * it read last, and a commit made by someone else meanwhile shows in the first call after that
   * write. Values only mean something compared with each other.
   */
  public long dataVersion() {
    return db.dataVersion();
  }

  /** Closes the store's connections after the work in progress on them. Idempotent. */
  @Override
  public void close() {
    leases.releaseLocks();
    db.close();
  }
}
