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

/** Reads one pull page of a tenant's log, filtered by the readable projects. */
final class PageReader {

  private static final String COLUMNS =
      "SELECT seq, replica_id, client_seq, project, entity, entity_key, op, payload, created_at, "
          + "accepted_at FROM ferry_log WHERE tenant = :tenant AND seq > :since ";

  private static final String PAGE_ALL = COLUMNS + "ORDER BY seq LIMIT :limit";

  private static final String PAGE_OF_PROJECTS =
      COLUMNS + "AND project IN (<projects>) ORDER BY seq LIMIT :limit";

  private PageReader() {}

  static PullResponse read(Handle h, String tenant, ProjectSet readable, long since, int limit) {
    List<PulledMutation> rows = new ArrayList<>(Math.min(limit + 1, 1024));
    if (!readable.isEmpty()) {
      Query query =
          readable.all()
              ? h.createQuery(PAGE_ALL)
              : h.createQuery(PAGE_OF_PROJECTS).bindList("projects", List.copyOf(readable.names()));
      query
          .bind("tenant", tenant)
          .bind("since", since)
          // One more than asked tells whether another page is ready.
          .bind("limit", limit + 1)
          .map((rs, ctx) -> row(rs))
          .forEach(rows::add);
    }
    boolean hasMore = rows.size() > limit;
    List<PulledMutation> page = hasMore ? rows.subList(0, limit) : rows;
    // Read after the page, so it is never below the page's last seq.
    long latest = LogAppender.latestSeq(h, tenant);
    if (!page.isEmpty()) {
      latest = Math.max(latest, page.get(page.size() - 1).seq());
    }
    return new PullResponse(page, hasMore, latest);
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
