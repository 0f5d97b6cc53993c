package dev.ferry.server.internal.http;

import dev.ferry.server.StorageException;
import dev.ferry.server.internal.LoggedFailure;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one handler Jetty knows: matches the exact path and method, reads a body without holding a
 * thread, bounds storage work by worker permits (503 {@code overloaded} when the queue is full),
 * and turns every failure into the error body of docs/PROTOCOL.md section 5, so that no input
 * reaches the client as a bare 500 or a dropped connection.
 */
final class Router extends Handler.Abstract {

  private static final Logger LOG = LoggerFactory.getLogger(Router.class);

  /**
   * An endpoint, the one method it answers and how it runs.
   *
   * @param name the endpoint's name in metrics
   * @param readsBody whether the body is read before the endpoint runs
   * @param inline whether it runs on the network thread (only for endpoints that never block)
   */
  record Route(String name, String method, Endpoint endpoint, boolean readsBody, boolean inline) {}

  private final Map<String, Route> routes;
  private final Executor workers;
  private final Semaphore permits;
  private final AtomicInteger waiting = new AtomicInteger();
  private final BodyReader bodies;
  private final Telemetry telemetry;
  private final int gzipThreshold;
  private volatile boolean stopping;

  Router(
      Map<String, Route> routes,
      Executor workers,
      int workerThreads,
      BodyReader bodies,
      Telemetry telemetry,
      int gzipThreshold) {
    this.routes = Map.copyOf(routes);
    this.workers = workers;
    this.permits = new Semaphore(workerThreads, true);
    this.bodies = bodies;
    this.telemetry = telemetry;
    this.gzipThreshold = gzipThreshold;
  }

  /** From now on every new request is answered 503 {@code stopping}. */
  void stopAccepting() {
    stopping = true;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String path = request.getHttpURI().getPath();
    Route route = path == null ? null : routes.get(path);
    ApiCall call =
        new ApiCall(
            request,
            response,
            callback,
            route == null ? "unknown" : route.name(),
            telemetry,
            gzipThreshold);
    try {
      if (stopping) {
        throw ApiException.unavailable("stopping", "the server is stopping; retry later");
      }
      if (route == null) {
        throw ApiException.notFound(path == null ? "" : shorten(path));
      }
      if (!route.method().equals(request.getMethod())) {
        throw ApiException.methodNotAllowed(shorten(request.getMethod()), route.method());
      }
      refuseTransferCodings(request);
      if (route.readsBody()) {
        bodies.read(call, c -> dispatch(route, c));
      } else {
        dispatch(route, call);
      }
    } catch (ApiException e) {
      call.error(e);
    } catch (RuntimeException e) {
      LOG.error("unexpected failure accepting a request: {}", LoggedFailure.describe(e));
      call.error(ApiException.internal());
    }
    return true;
  }

  /**
   * Jetty undoes {@code chunked} but passes any other transfer coding through as body bytes; a body
   * still encoded must not be taken for JSON, so only {@code chunked} alone is accepted (request
   * bodies are compressed with {@code Content-Encoding: gzip}).
   */
  private static void refuseTransferCodings(Request request) {
    for (HttpField field : request.getHeaders().getFields(HttpHeader.TRANSFER_ENCODING)) {
      for (String coding : field.getValue().split(",")) {
        if (!coding.trim().equalsIgnoreCase("chunked")) {
          throw ApiException.validation(
              "unsupported_transfer_encoding", "Transfer-Encoding must be chunked or absent");
        }
      }
    }
  }

  /**
   * Runs storage work on the thread at hand (a Jetty pool thread, never the selector) when a
   * worker permit is free and nobody waits for one, so the common case costs no thread hand-off
   * (on a loaded machine each hand-off waits for a time slice); otherwise queues it for the
   * workers, which wait for a permit in turn, or answers 503 when the queue is full. Either way at
   * most as many requests as there are permits touch the storage at once.
   */
  private void dispatch(Route route, ApiCall call) {
    if (route.inline()) {
      run(route, call);
      return;
    }
    if (waiting.get() == 0 && permits.tryAcquire()) {
      try {
        run(route, call);
      } finally {
        permits.release();
      }
      return;
    }
    waiting.incrementAndGet();
    try {
      workers.execute(
          () -> {
            permits.acquireUninterruptibly();
            waiting.decrementAndGet();
            try {
              run(route, call);
            } finally {
              permits.release();
            }
          });
    } catch (RejectedExecutionException e) {
      waiting.decrementAndGet();
      call.error(ApiException.overloaded());
    }
  }

  private void run(Route route, ApiCall call) {
    try {
      route.endpoint().handle(call);
    } catch (ApiException e) {
      call.error(e);
    } catch (StorageException e) {
      // Never the exception itself: its messages carry bound arguments, i.e. request data.
      LOG.warn(
          "storage failure while answering {} {}: {}",
          call.method(),
          shorten(call.path()),
          LoggedFailure.describe(e));
      call.error(
          ApiException.unavailable(
              "storage_unavailable", "the storage is unavailable; retry later"));
    } catch (IOException e) {
      LOG.debug("reading the request failed: {}", e.toString());
      call.error(ApiException.validation("unreadable_body", "the request body could not be read"));
    } catch (RuntimeException | Error e) {
      LOG.error(
          "unexpected failure answering {} {}: {}",
          call.method(),
          shorten(call.path()),
          LoggedFailure.describe(e));
      call.error(ApiException.internal());
      if (e instanceof Error error) {
        throw error;
      }
    }
  }

  static String shorten(String s) {
    return s.length() <= 100 ? s : s.substring(0, 100) + "…";
  }
}
