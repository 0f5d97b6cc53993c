package dev.ferry.server.internal.storage;

import dev.ferry.server.AppendResult;
import dev.ferry.server.CommitListener;
import dev.ferry.server.MutationLog;
import dev.ferry.server.ProjectSet;
import dev.ferry.server.StorageException;
import dev.ferry.transport.wire.PullResponse;
import dev.ferry.transport.wire.PushMutation;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;

/**
 * The PostgreSQL {@link MutationLog}, safe for several server processes sharing one database.
 *
 * <p>An append takes {@code pg_advisory_xact_lock} on its tenant before reading the tenant's
 * highest seq, so appenders of one tenant commit one at a time in seq order, in this process or any
 * other; tenants do not wait for each other. That read must see the previous lock holder's commit,
 * which holds only at READ COMMITTED (each statement takes a fresh snapshot); under REPEATABLE READ
 * the snapshot would date from before the lock was granted, seqs would repeat and appends fail. The
 * pool's connections therefore pin READ COMMITTED when they open ({@link PgSchema#openIn}),
 * whatever the database's default. The append's transaction also sends {@code NOTIFY}, which
 * PostgreSQL delivers on commit to every process's {@link PgNotificationListener}, so long-polls
 * wake across processes. Thread-safe.
 */
public final class PostgresMutationLog implements MutationLog {

  private static final Pattern SCHEMA_NAME = Pattern.compile("[a-z][a-z0-9_]{0,49}");
  private static final int POOL_SIZE = 8;
  private static final Duration BORROW_TIMEOUT = Duration.ofSeconds(10);
  /**
   * The longest a pooled connection waits for the database's next bytes. Appends and reads take
   * milliseconds (an append may wait for another process's append of the same tenant), so only a
   * connection whose peer vanished without a reset gets near it; it then fails and is replaced.
   */
  static final Duration NETWORK_TIMEOUT = Duration.ofSeconds(60);

  private static final String LOCK_TENANT =
      "SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))";
  private static final String NOTIFY = "SELECT pg_notify(:channel, :tenant)";

  /** PostgreSQL's identifier limit (NAMEDATALEN - 1); schema names are ASCII, so bytes = chars. */
  static final int MAX_IDENTIFIER_BYTES = 63;

  private static final String CHANNEL_PREFIX = "ferry_commits_";
  private static final int CHANNEL_HASH_CHARS = 16;

  private final String schema;
  private final String description;
  private final HandlePool pool;
  private final CommitListeners listeners;
  private final PgNotificationListener notifications;

  private PostgresMutationLog(
      String schema,
      String description,
      HandlePool pool,
      CommitListeners listeners,
      PgNotificationListener notifications) {
    this.schema = schema;
    this.description = description;
    this.pool = pool;
    this.listeners = listeners;
    this.notifications = notifications;
  }

  /**
   * Connects, creates {@code schema} and its tables if missing, and starts listening for commits.
   *
   * @throws IllegalArgumentException if the URL is not a PostgreSQL JDBC URL, or the schema name is
   *     not lower-case letters, digits and underscores starting with a letter, at most 50
   *     characters
   * @throws StorageException if the database cannot be reached or migrated
   */
  public static PostgresMutationLog open(String jdbcUrl, String schema) {
    return open(jdbcUrl, schema, NETWORK_TIMEOUT);
  }

  /** {@link #open(String, String)} with another network timeout of the pooled connections. */
  static PostgresMutationLog open(String jdbcUrl, String schema, Duration networkTimeout) {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    Objects.requireNonNull(schema, "schema");
    if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("the JDBC URL must start with jdbc:postgresql:");
    }
    if (!SCHEMA_NAME.matcher(schema).matches()) {
      throw new IllegalArgumentException(
          "schema must be lower-case letters, digits and underscores, start with a letter and "
              + "have at most 50 characters, was '"
              + schema
              + "'");
    }
    String description = "postgresql:" + withoutQuery(jdbcUrl) + " schema " + schema;
    Jdbi jdbi = Jdbi.create(jdbcUrl);
    HandlePool pool = null;
    try {
      try (Handle h = jdbi.open()) {
        PgSchema.migrate(h, schema);
      }
      pool = new HandlePool(POOL_SIZE, () -> PgSchema.openIn(jdbi, schema, networkTimeout), BORROW_TIMEOUT);
      CommitListeners listeners = new CommitListeners();
      PgNotificationListener notifications =
          new PgNotificationListener(jdbcUrl, channelOf(schema), listeners);
      notifications.start();
      return new PostgresMutationLog(schema, description, pool, listeners, notifications);
    } catch (JdbiException e) {
      if (pool != null) {
        pool.close();
      }
      throw new StorageException("cannot open the PostgreSQL log " + description, e);
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
    try {
      result =
          pool.with(
              h ->
                  h.inTransaction(
                      tx -> {
                        tx.createQuery(LOCK_TENANT)
                            .bind("key", "ferry:" + schema + ":" + tenant)
                            .mapTo(String.class)
                            .one();
                        AppendResult r =
                            LogAppender.append(
                                tx, tenant, principal, replicaId, leaseEpoch, mutations, acceptedAt);
                        if (LogAppender.addedRows(r)) {
                          tx.createQuery(NOTIFY)
                              .bind("channel", channelOf(schema))
                              .bind("tenant", tenant)
                              .mapTo(String.class)
                              .one();
                        }
                        return r;
                      }));
    } catch (JdbiException e) {
      throw new StorageException("append to the PostgreSQL log failed", e);
    }
    if (LogAppender.addedRows(result)) {
      // This process's waiters need not wait for the notification's round trip.
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
    PullResponse page;
    try {
      page = pool.with(h -> PageReader.read(h, tenant, readable, since, limit, maxBytes));
    } catch (JdbiException e) {
      throw new StorageException("read from the PostgreSQL log failed", e);
    }
    return page.logId() != null ? page : PageReader.withLogId(page, logId(tenant));
  }

  /** The tenant's log id; the first call for a tenant makes it. */
  @Override
  public String logId(String tenant) {
    try {
      return pool.with(h -> LogIdentity.ensure(h, tenant, System.currentTimeMillis()));
    } catch (JdbiException e) {
      throw new StorageException("reading the log id from the PostgreSQL log failed", e);
    }
  }

  @Override
  public Map<Long, AppendResult.Entry> findStored(
      String tenant, String principal, String replicaId, List<PushMutation> mutations) {
    try {
      return pool.with(h -> DedupeLookup.findIfBound(h, tenant, principal, replicaId, mutations));
    } catch (JdbiException e) {
      throw new StorageException("lookup in the PostgreSQL log failed", e);
    }
  }

  @Override
  public void addCommitListener(CommitListener listener) {
    listeners.add(listener);
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public void close() {
    notifications.close();
    pool.close();
  }

  /**
   * The NOTIFY channel; per schema, so logs in different schemas do not wake each other. A channel
   * is an identifier, at most {@value #MAX_IDENTIFIER_BYTES} bytes: {@code pg_notify} refuses a
   * longer name (while {@code LISTEN} would silently truncate it), so a long schema name is
   * shortened and made unique again with a hash of the whole name.
   */
  static String channelOf(String schema) {
    String plain = CHANNEL_PREFIX + schema;
    if (plain.length() <= MAX_IDENTIFIER_BYTES) {
      return plain;
    }
    String hash = HexFormat.of().formatHex(sha256(schema)).substring(0, CHANNEL_HASH_CHARS);
    int keep = MAX_IDENTIFIER_BYTES - CHANNEL_PREFIX.length() - 1 - CHANNEL_HASH_CHARS;
    return CHANNEL_PREFIX + schema.substring(0, keep) + "_" + hash;
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /** Drops the query string, where a JDBC URL may carry a password. */
  private static String withoutQuery(String jdbcUrl) {
    int q = jdbcUrl.indexOf('?');
    return q < 0 ? jdbcUrl : jdbcUrl.substring(0, q);
  }
}
