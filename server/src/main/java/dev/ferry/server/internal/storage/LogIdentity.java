package dev.ferry.server.internal.storage;

import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * The identity of each tenant's log ({@code ferry_log_ids}): a random UUID made the first time the
 * log is touched, so a client can tell this log from another one that reuses its seqs (an empty
 * database swapped in, another deployment behind the same URL). A log written before identities
 * existed gets one the first time it is touched after the upgrade; its seqs and rows stay.
 */
final class LogIdentity {

  private static final String FIND = "SELECT log_id FROM ferry_log_ids WHERE tenant = :tenant";

  /** Idempotent across processes sharing the database: the first insert wins, the rest read it. */
  private static final String CREATE =
      "INSERT INTO ferry_log_ids (tenant, log_id, created_at) VALUES (:tenant, :logId, :now)"
          + " ON CONFLICT (tenant) DO NOTHING";

  private LogIdentity() {}

  /** The tenant's log id, if its log has one yet. */
  static Optional<String> find(Handle h, String tenant) {
    return h.createQuery(FIND).bind("tenant", tenant).mapTo(String.class).findOne();
  }

  /** The tenant's log id, made now if it has none; needs a handle that may write. */
  static String ensure(Handle h, String tenant, long nowMillis) {
    Optional<String> known = find(h, tenant);
    if (known.isPresent()) {
      return known.get();
    }
    h.createUpdate(CREATE)
        .bind("tenant", tenant)
        .bind("logId", UUID.randomUUID().toString())
        .bind("now", nowMillis)
        .execute();
    return find(h, tenant)
        .orElseThrow(() -> new IllegalStateException("the log id of a tenant vanished"));
  }
}
