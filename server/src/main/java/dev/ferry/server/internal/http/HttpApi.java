package dev.ferry.server.internal.http;

import com.sun.net.httpserver.HttpHandler;
import dev.ferry.server.MutationLog;
import dev.ferry.server.ServerLimits;
import dev.ferry.server.TokenGrant;
import dev.ferry.server.internal.DaemonThreads;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Wires the endpoints of wire protocol v1 over a {@link MutationLog} and owns what outlives a
 * single request: the long-poll registry with its timeout scheduler and re-read threads, and the
 * count of requests in flight. {@code FerryServer} drives its lifecycle.
 */
public final class HttpApi implements AutoCloseable {

  private static final int POLL_THREADS = 2;

  private final Router router;
  private final InFlight inFlight = new InFlight();
  private final LongPollRegistry waiters;
  private final ScheduledThreadPoolExecutor scheduler;
  private final ThreadPoolExecutor pollExecutor;

  /**
   * @param insecureTenant when not null, requests without a known token act in this tenant with
   *     every project (a development server without authentication)
   * @throws IllegalArgumentException if two grants share a token
   */
  public HttpApi(MutationLog log, List<TokenGrant> grants, @Nullable String insecureTenant, ServerLimits limits,
      Clock clock) {
    TokenRegistry tokens = new TokenRegistry(grants, insecureTenant);
    scheduler = new ScheduledThreadPoolExecutor(1, DaemonThreads.named("ferry-poll-timer"));
    scheduler.setRemoveOnCancelPolicy(true);
    // Unbounded queue, yet bounded in practice: each parked pull queues at most one re-read and
    // one expiry, and parked pulls are capped.
    pollExecutor =
        new ThreadPoolExecutor(
            POLL_THREADS,
            POLL_THREADS,
            0,
            TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(),
            DaemonThreads.named("ferry-poll"));
    waiters = new LongPollRegistry(log, limits.maxWaiters(), scheduler, pollExecutor);
    log.addCommitListener(waiters);
    BodyReader bodies = new BodyReader(limits.maxBodyBytes());
    router =
        new Router(
            Map.of(
                "/v1/push",
                new Router.Route(
                    "POST",
                    new PushEndpoint(tokens, log, bodies, limits.maxBatchMutations(), clock)),
                "/v1/pull",
                new Router.Route(
                    "GET",
                    new PullEndpoint(
                        tokens,
                        log,
                        waiters,
                        limits.defaultPullLimit(),
                        limits.maxPullLimit(),
                        limits.maxWait().toMillis(),
                        limits.maxPageBytes())),
                "/v1/health",
                new Router.Route("GET", new HealthEndpoint()),
                "/v1/whoami",
                new Router.Route("GET", new WhoAmIEndpoint(tokens, log))),
            inFlight,
            limits.gzipResponseThreshold());
  }

  /** The handler to mount at {@code /}. */
  public HttpHandler handler() {
    return router;
  }

  /**
   * Starts a graceful stop: new requests are answered 503, parked long-polls are answered with what
   * they can read now, and this waits until every request in flight is answered or the timeout
   * passes.
   *
   * @return true if nothing was left in flight
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean drain(Duration timeout) throws InterruptedException {
    router.stopAccepting();
    waiters.answerAll();
    return inFlight.awaitIdle(timeout);
  }

  /** Requests received and not answered yet, including parked long-polls. */
  public int inFlight() {
    return inFlight.count();
  }

  /** Long-polls parked now. */
  public int parkedPulls() {
    return waiters.parked();
  }

  /** Stops the timeout scheduler and re-read threads; call after {@link #drain}. */
  @Override
  public void close() {
    scheduler.shutdownNow();
    pollExecutor.shutdownNow();
  }
}
