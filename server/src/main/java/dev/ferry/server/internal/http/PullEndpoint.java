package dev.ferry.server.internal.http;

import dev.ferry.server.MutationLog;
import dev.ferry.transport.wire.PullResponse;

/**
 * {@code GET /v1/pull?since=&limit=&wait_ms=}: the page after {@code since} from the projects the
 * token may read. With {@code wait_ms} and nothing new, the request is parked in the {@link
 * LongPollRegistry} instead of holding a worker thread.
 */
final class PullEndpoint implements Endpoint {

  private final TokenRegistry tokens;
  private final MutationLog log;
  private final LongPollRegistry waiters;
  private final int defaultLimit;
  private final int maxLimit;
  private final long maxWaitMillis;
  private final long maxPageBytes;

  PullEndpoint(
      TokenRegistry tokens,
      MutationLog log,
      LongPollRegistry waiters,
      int defaultLimit,
      int maxLimit,
      long maxWaitMillis,
      long maxPageBytes) {
    this.tokens = tokens;
    this.log = log;
    this.waiters = waiters;
    this.defaultLimit = defaultLimit;
    this.maxLimit = maxLimit;
    this.maxWaitMillis = maxWaitMillis;
    this.maxPageBytes = maxPageBytes;
  }

  @Override
  public void handle(ApiCall call) {
    Principal principal = call.authenticate(tokens);
    QueryParams query = QueryParams.of(call.rawQuery());
    long since = query.longValue("since", 0, 0);
    int limit = (int) Math.min(maxLimit, query.longValue("limit", defaultLimit, 1));
    long waitMillis = Math.min(maxWaitMillis, query.longValue("wait_ms", 0, 0));

    PullResponse page =
        log.read(principal.tenant(), principal.readable(), since, limit, maxPageBytes);
    if (!page.mutations().isEmpty() || waitMillis == 0) {
      call.ok(page);
      return;
    }
    waiters.park(
        call, new LongPollRegistry.Query(principal, since, limit, maxPageBytes), waitMillis, page);
  }
}
