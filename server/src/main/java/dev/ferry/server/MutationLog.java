package dev.ferry.server;

import dev.ferry.server.internal.storage.PostgresMutationLog;
import dev.ferry.server.internal.storage.SqliteMutationLog;
import dev.ferry.transport.wire.PullResponse;
import dev.ferry.transport.wire.PushMutation;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The server's storage: one append-only log of mutations per tenant, numbered by {@code seq} in
 * commit order, deduplicated on {@code (tenant, replica_id, client_seq)}, with each replica bound to
 * the principal that first stored its mutations.
 *
 * <p>The HTTP layer authenticates, validates and applies grants; a log only stores and reads. Every
 * implementation runs the same conformance suite. Implementations are thread-safe. Failures of the
 * underlying database surface as {@link StorageException}.
 */
public interface MutationLog extends AutoCloseable {

  /**
   * Appends a batch in one transaction, after checking, in the same transaction, who owns the
   * replica and its lease epoch.
   *
   * <p>If {@code (tenant, replicaId)} is bound to a principal other than {@code principal}, nothing
   * is stored or read and the result is {@link AppendResult.ReplicaForbidden}. Else, if a higher
   * {@code leaseEpoch} was already seen for it, nothing is stored and the result is {@link
   * AppendResult.StaleLease}. Otherwise each mutation whose {@code client_seq} this replica stored
   * before is answered as a duplicate with its original seq (a {@linkplain
   * AppendResult.Entry#conflict() conflict}, not stored, when the stored mutation's content
   * differs), the others get the next seqs of the tenant, in list order, and the epoch is
   * remembered and an unbound replica bound to {@code principal}, but only when the batch stores or
   * deduplicates at least one mutation: a push that writes nothing must neither fence the replica's
   * real lease holder out nor claim its id. A binding never changes afterwards; two principals
   * racing for an unbound replica cannot both bind it.
   *
   * @param tenant the tenant whose log is written
   * @param principal the pushing principal's name within the tenant
   * @param replicaId the pushing replica
   * @param leaseEpoch the pusher's lease epoch, not negative
   * @param mutations well-formed mutations with distinct client_seq (may be empty: then only the
   *     owner and the epoch are checked)
   * @param acceptedAt the time recorded as {@code accepted_at} of new rows
   * @return the outcome; for {@link AppendResult.Appended} one entry per mutation, in list order
   * @throws StorageException if the database fails; then nothing was stored
   */
  AppendResult append(
      String tenant,
      String principal,
      String replicaId,
      long leaseEpoch,
      List<PushMutation> mutations,
      Instant acceptedAt);

  /**
   * Reads the page after {@code since}: up to {@code limit} mutations of {@code readable} projects
   * with seq above {@code since}, in increasing seq; {@code has_more} when more such mutations
   * exist; {@code latest_seq} is the tenant's highest seq (over all projects). No byte budget: see
   * {@link #read(String, ProjectSet, long, int, long)}.
   *
   * @throws StorageException if the database fails
   */
  PullResponse read(String tenant, ProjectSet readable, long since, int limit);

  /**
   * As {@link #read(String, ProjectSet, long, int)}, but the page also ends before the mutation
   * that would take it past {@code maxBytes} (the UTF-8 size of payloads and names plus a fixed
   * allowance per mutation for its other fields), always holding at least one mutation when there
   * is one; {@code has_more} is then true. This keeps every response within what clients accept
   * however large single mutations are, and bounds what the server holds in memory per pull.
   *
   * <p>The HTTP layer calls this one. The default ignores the budget, so that logs written before
   * it existed keep compiling; implementations should override it.
   *
   * @param maxBytes the page's byte budget, positive
   * @throws StorageException if the database fails
   */
  default PullResponse read(
      String tenant, ProjectSet readable, long since, int limit, long maxBytes) {
    return read(tenant, readable, since, limit);
  }

  /**
   * Looks up which of {@code mutations} the replica already stored, storing nothing and leaving the
   * lease epoch and the binding alone; finds nothing unless the replica is bound to {@code
   * principal}, so that no other principal can probe what it wrote.
   *
   * <p>The HTTP layer asks this for mutations it refuses by policy: a mutation stored earlier whose
   * answer was lost, retried after the token's write grants narrowed, must still be answered {@code
   * duplicate} (or {@code replica_conflict}), or the client would keep it pending forever. A stored
   * row and a binding never change, so the lookup needs no transaction with an append.
   *
   * <p>The default finds nothing, so that logs written before it existed keep compiling (their
   * refused retries stay {@code policy_forbidden}); implementations should override it.
   *
   * @return an entry per mutation whose client seq the replica stored, by client seq: a duplicate
   *     with the original seq, or a {@linkplain AppendResult.Entry#conflict() conflict}; mutations
   *     not stored are absent
   * @throws StorageException if the database fails
   */
  default Map<Long, AppendResult.Entry> findStored(
      String tenant, String principal, String replicaId, List<PushMutation> mutations) {
    return Map.of();
  }

  /**
   * The identity of the tenant's log: made (a random UUID) the first time the log is touched and
   * kept with it, so a client can tell it from another log that reuses its seqs. Pull and push
   * answers carry it as {@code log_id}.
   *
   * <p>The default reads it from an empty page, so that logs written before it existed keep
   * compiling; implementations should override it.
   *
   * @throws StorageException if the database fails
   */
  default @Nullable String logId(String tenant) {
    return read(tenant, ProjectSet.NONE, 0, 1).logId();
  }

  /**
   * Registers a listener told after every commit that added mutations to a tenant's log, including
   * commits by other processes sharing the database when the implementation can see them. Listeners
   * run on the committing thread or a notification thread and must return quickly.
   */
  void addCommitListener(CommitListener listener);

  /** A short description for logs (kind and location), never containing a password. */
  String describe();

  /** Releases connections and threads. Idempotent. */
  @Override
  void close();

  /**
   * A SQLite log in {@code file} (created with its tables if missing), WAL mode, one writer at a
   * time.
   *
   * @throws StorageException if the file cannot be opened or migrated
   */
  static MutationLog sqlite(Path file) {
    return SqliteMutationLog.open(file);
  }

  /**
   * A PostgreSQL log in {@code schema} (created with its tables if missing). Several server
   * processes may share one database: seqs stay in commit order and long-polls wake across
   * processes through {@code LISTEN/NOTIFY}.
   *
   * @param jdbcUrl e.g. {@code jdbc:postgresql://127.0.0.1:5432/ferry?user=ferry}
   * @param schema lower-case letters, digits and underscores, starting with a letter
   * @throws IllegalArgumentException if the schema name breaks that rule
   * @throws StorageException if the database cannot be reached or migrated
   */
  static MutationLog postgres(String jdbcUrl, String schema) {
    return PostgresMutationLog.open(jdbcUrl, schema);
  }
}
