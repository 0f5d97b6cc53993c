package dev.ferry.server.internal.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.ferry.server.StorageException;
import dev.ferry.server.internal.LoggedFailure;
import java.io.IOException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one handler the HTTP server knows: matches the exact path and method, and turns every failure
 * into the error body of DESIGN section 3, so that no input reaches the client as a bare 500 or a
 * dropped connection.
 */
final class Router implements HttpHandler {

  private static final Logger LOG = LoggerFactory.getLogger(Router.class);

  /** An endpoint and the one method it answers. */
  record Route(String method, Endpoint endpoint) {}

  private final Map<String, Route> routes;
  private final InFlight inFlight;
  private final int gzipThreshold;
  private volatile boolean stopping;

  Router(Map<String, Route> routes, InFlight inFlight, int gzipThreshold) {
    this.routes = Map.copyOf(routes);
    this.inFlight = inFlight;
    this.gzipThreshold = gzipThreshold;
  }

  /** From now on every new request is answered 503 {@code stopping}. */
  void stopAccepting() {
    stopping = true;
  }

  @Override
  public void handle(HttpExchange exchange) {
    ApiCall call = new ApiCall(exchange, inFlight, gzipThreshold);
    try {
      if (stopping) {
        throw ApiException.unavailable("stopping", "the server is stopping; retry later");
      }
      String path = exchange.getRequestURI().getRawPath();
      Route route = routes.get(path);
      if (route == null) {
        throw ApiException.notFound(path == null ? "" : shorten(path));
      }
      if (!route.method().equals(exchange.getRequestMethod())) {
        throw ApiException.methodNotAllowed(shorten(exchange.getRequestMethod()), route.method());
      }
      route.endpoint().handle(call);
    } catch (ApiException e) {
      call.error(e);
    } catch (StorageException e) {
      // Never the exception itself: its messages carry bound arguments, i.e. request data.
      LOG.warn(
          "storage failure while answering {} {}: {}",
          exchange.getRequestMethod(),
          shorten(exchange.getRequestURI().getRawPath()),
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
          exchange.getRequestMethod(),
          shorten(exchange.getRequestURI().getRawPath()),
          LoggedFailure.describe(e));
      call.error(ApiException.internal());
      if (e instanceof Error error) {
        throw error;
      }
    }
  }

  private static String shorten(String s) {
    return s.length() <= 100 ? s : s.substring(0, 100) + "…";
  }
}
