package dev.ferry.server.internal.storage;

import dev.ferry.server.ProjectSet;
import dev.ferry.transport.wire.PullResponse;
import dev.ferry.transport.wire.PulledMutation;
import dev.ferry.transport.wire.RawJson;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;
import org.jspecify.annotations.Nullable;

/**
 * Reads one pull page of a tenant's log, filtered by the readable projects and cut to a byte
 * budget.
 *
 * <p>The page is read in two steps: first the seqs and sizes of up to {@code limit + 1} rows
 * (without their payloads), which decide where the page ends, then the rows up to that seq. Reading
 * whole rows and stopping at the budget would not bound memory on PostgreSQL, whose driver fetches
 * a whole result before returning the first row. The second step sees exactly the rows the first
 * one measured: seqs are assigned in commit order and rows are never changed, so no row at or below
 * a seq already seen can appear or vanish in between.
 */
final class PageReader {

  /**
   * Allowance per mutation for what the sizes do not count: field names, quotes, seq, client seq
   * and two timestamps, about 240 bytes in the wire's JSON.
   */
  static final int ROW_OVERHEAD_BYTES = 256;

  private static final String FILTER = "WHERE tenant = :tenant AND seq > :since ";

  private static final String SIZES =
      "SELECT seq, octet_length(payload) + octet_length(replica_id) + octet_length(project)"
          + " + octet_length(entity) + octet_length(entity_key) + octet_length(op) FROM ferry_log "
          + FILTER;

  private static final String ROWS =
      "SELECT seq, replica_id, client_seq, project, entity, entity_key, op, payload, created_at, "
          + "accepted_at FROM ferry_log "
          + FILTER
          + "AND seq <= :last ";

  private static final String OF_PROJECTS = "AND project IN (<projects>) ";

  private PageReader() {}

  /**
   * Reads the page. Its {@code log_id} is null when the tenant's log has none yet: the caller makes
   * one with a handle that may write ({@link #withLogId}).
   */
  static PullResponse read(
      Handle h, String tenant, ProjectSet readable, long since, int limit, long maxBytes) {
    List<PulledMutation> page = List.of();
    boolean hasMore = false;
    if (!readable.isEmpty()) {
      // One more than asked tells whether another page is ready.
      List<RowSize> sizes =
          query(h, SIZES, readable, "ORDER BY seq LIMIT :limit")
              .bind("tenant", tenant)
              .bind("since", since)
              .bind("limit", (long) limit + 1)
              .map((rs, ctx) -> new RowSize(rs.getLong(1), rs.getLong(2) + ROW_OVERHEAD_BYTES))
              .list();
      int take = rowsWithin(sizes.subList(0, Math.min(sizes.size(), limit)), maxBytes);
      hasMore = take < sizes.size();
      if (take > 0) {
        page = rows(h, tenant, readable, since, sizes.get(take - 1).seq(), take);
      }
    }
    // Read after the page, so it is never below the page's last seq.
    long latest = LogAppender.latestSeq(h, tenant);
    if (!page.isEmpty()) {
      latest = Math.max(latest, page.get(page.size() - 1).seq());
    } else {
      // Cannot happen while rows are never deleted; never claim more with an empty page.
      hasMore = false;
    }
    return new PullResponse(page, hasMore, latest, LogIdentity.find(h, tenant).orElse(null));
  }

  /** {@code page} with {@code logId}. */
  static PullResponse withLogId(PullResponse page, String logId) {
    return new PullResponse(page.mutations(), page.hasMore(), page.latestSeq(), logId);
  }

  /** A row's seq and its size as counted against the budget. */
  record RowSize(long seq, long bytes) {}

  /** How many of {@code rows}, from the first, fit {@code maxBytes}; at least one if any. */
  static int rowsWithin(List<RowSize> rows, long maxBytes) {
    long total = 0;
    for (int i = 0; i < rows.size(); i++) {
      total += rows.get(i).bytes();
      if (total > maxBytes && i > 0) {
        return i;
      }
    }
    return rows.size();
  }

  private static List<PulledMutation> rows(
      Handle h, String tenant, ProjectSet readable, long since, long last, int expected) {
    List<PulledMutation> rows = new ArrayList<>(expected);
    query(h, ROWS, readable, "ORDER BY seq")
        .bind("tenant", tenant)
        .bind("since", since)
        .bind("last", last)
        .map((rs, ctx) -> row(rs))
        .forEach(rows::add);
    return rows;
  }

  private static Query query(Handle h, String select, ProjectSet readable, String order) {
    if (readable.all()) {
      return h.createQuery(select + order);
    }
    return h.createQuery(select + OF_PROJECTS + order)
        .bindList("projects", List.copyOf(readable.names()));
  }

  private static PulledMutation row(ResultSet rs) throws SQLException {
    long createdAt = rs.getLong(9);
    @Nullable Instant created = rs.wasNull() ? null : Instant.ofEpochMilli(createdAt);
    return new PulledMutation(
        rs.getLong(1),
        rs.getString(2),
        rs.getLong(3),
        rs.getString(4),
        rs.getString(5),
        rs.getString(6),
        rs.getString(7),
        new RawJson(rs.getString(8)),
        created,
        Instant.ofEpochMilli(rs.getLong(10)));
  }
}
