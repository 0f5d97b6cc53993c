package dev.ferry.server.internal.http;

import dev.ferry.server.MutationLog;
import dev.ferry.server.ServerLimits;
import dev.ferry.server.TokenGrant;
import dev.ferry.server.internal.DaemonThreads;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.jspecify.annotations.Nullable;

/**
 * Wires the endpoints of wire protocol v1 over a {@link MutationLog} and owns what outlives a
 * single request: the worker threads that run storage work, the long-poll registry with its
 * timeout scheduler and re-read threads, the count of requests in flight and the metrics. {@code
 * FerryServer} drives its lifecycle and mounts {@link #handler()} and {@link #errorHandler()} in
 * Jetty.
 */
public final class HttpApi implements AutoCloseable {

  private static final int POLL_THREADS = 2;

  private final Router router;
  private final JettyErrors errors;
  private final InFlight inFlight = new InFlight();
  private final LongPollRegistry waiters;
  private final ScheduledThreadPoolExecutor scheduler;
  private final ThreadPoolExecutor pollExecutor;
  private final ThreadPoolExecutor workers;
  private final ServerMetrics metrics;
  private final HeaderDeadline headerDeadline;

  /**
   * @param insecureTenant when not null, requests without a known token act in this tenant with
   *     every project (a development server without authentication)
   * @throws IllegalArgumentException if two grants share a token
   */
  public HttpApi(
      MutationLog storage,
      List<TokenGrant> grants,
      @Nullable String insecureTenant,
      ServerLimits limits,
      Clock clock,
      ServerMetrics metrics) {
    this.metrics = metrics;
    TokenRegistry tokens = new TokenRegistry(grants, insecureTenant);
    MutationLog log = new MeteredLog(storage, metrics);
    scheduler = new ScheduledThreadPoolExecutor(1, DaemonThreads.named("ferry-poll-timer"));
    scheduler.setRemoveOnCancelPolicy(true);
    headerDeadline = new HeaderDeadline(limits.headerTimeout(), metrics);
    headerDeadline.start(scheduler);
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
    // Storage work that found no free permit waits here for one; network I/O runs on Jetty's
    // threads and never waits for a client. A full queue answers 503 overloaded (AbortPolicy
    // throws, the router answers).
    workers =
        new ThreadPoolExecutor(
            limits.workerThreads(),
            limits.workerThreads(),
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(limits.queueCapacity()),
            DaemonThreads.named("ferry-http"));
    waiters =
        new LongPollRegistry(
            log,
            limits.maxWaiters(),
            limits.maxWaitersPerTenant(),
            scheduler,
            pollExecutor,
            metrics);
    log.addCommitListener(waiters);
    Telemetry telemetry = new Telemetry(inFlight, metrics);
    errors = new JettyErrors(telemetry);
    router =
        new Router(
            Map.of(
                "/v1/push",
                new Router.Route(
                    "push",
                    "POST",
                    new PushEndpoint(tokens, log, limits.maxBatchMutations(), clock),
                    true,
                    false),
                "/v1/pull",
                new Router.Route(
                    "pull",
                    "GET",
                    new PullEndpoint(
                        tokens,
                        log,
                        waiters,
                        limits.defaultPullLimit(),
                        limits.maxPullLimit(),
                        limits.maxWait().toMillis(),
                        limits.maxPageBytes()),
                    false,
                    false),
                "/v1/health",
                new Router.Route("health", "GET", new HealthEndpoint(), false, true),
                "/v1/whoami",
                new Router.Route("whoami", "GET", new WhoAmIEndpoint(tokens, log), false, true)),
            workers,
            limits.workerThreads(),
            new BodyReader(limits.maxBodyBytes()),
            telemetry,
            limits.gzipResponseThreshold());
  }

  /** The handler to mount as the server's handler. */
  public Handler handler() {
    return router;
  }

  /** The handler for what Jetty refuses itself: answers with the documented error body. */
  public Request.Handler errorHandler() {
    return errors;
  }

  /** Closes connections whose headers take too long; add it to the API connector. */
  public Connection.Listener headerDeadline() {
    return headerDeadline;
  }

  public ServerMetrics metrics() {
    return metrics;
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

  /** Stops the workers, the timeout scheduler and the re-read threads; call after {@link #drain}. */
  @Override
  public void close() {
    workers.shutdownNow();
    scheduler.shutdownNow();
    pollExecutor.shutdownNow();
  }
}
