package dev.ferry.server.internal.http;

import dev.ferry.server.ServerLimits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.MinimumDataRateHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The two Jetty servers a {@code FerryServer} runs: the API and, optionally, the metrics listener
 * with its own threads and port, so scraping never shares the API's load or authentication.
 */
public final class Listeners {

  /**
   * Jetty's threads parse, dispatch and write, and run storage work when a worker permit is free
   * (at most {@code workerThreads} at once); nothing here waits for a client, so a small pool
   * serves thousands of connections.
   */
  private static final int JETTY_THREADS = 32;

  private Listeners() {}

  /**
   * Starts the API listener: HTTP/1.1 with the limits' idle timeout, minimum data rates and
   * connection limit; errors Jetty raises itself answered by {@link HttpApi#errorHandler()}.
   *
   * @throws UncheckedIOException if the address cannot be bound
   */
  public static Server startApi(String host, int port, ServerLimits limits, HttpApi api) {
    QueuedThreadPool threads = new QueuedThreadPool(JETTY_THREADS, 4);
    threads.setName("ferry-jetty");
    threads.setDaemon(true);
    // Storage work may run on these threads; at stop, after the drain deadline, do not wait long
    // for one stuck in the database: interrupt it (the append then commits nothing).
    threads.setStopTimeout(500);
    Server server = new Server(threads);
    HttpConfiguration config = new HttpConfiguration();
    config.setSendServerVersion(false);
    config.setSendXPoweredBy(false);
    ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(config));
    connector.setHost(host);
    connector.setPort(port);
    connector.setIdleTimeout(limits.idleTimeout().toMillis());
    ServerMetrics metrics = api.metrics();
    connector.addEventListener(
        new Connection.Listener() {
          @Override
          public void onOpened(Connection connection) {
            metrics.connectionOpened();
          }

          @Override
          public void onClosed(Connection connection) {
            metrics.connectionClosed();
          }
        });
    connector.addEventListener(api.headerDeadline());
    server.addConnector(connector);
    server.addBean(new NetworkConnectionLimit(limits.maxConnections(), connector));
    server.setHandler(
        new MinimumDataRateHandler(
            api.handler(), limits.minRequestDataRate(), limits.minResponseDataRate()));
    server.setErrorHandler(api.errorHandler());
    server.setStopTimeout(0);
    start(server, host, port);
    return server;
  }

  /**
   * Starts the metrics listener: {@code GET /metrics} answers the Prometheus text format, anything
   * else 404.
   *
   * @throws UncheckedIOException if the address cannot be bound
   */
  public static Server startMetrics(String host, int port, ServerMetrics metrics) {
    QueuedThreadPool threads = new QueuedThreadPool(8, 2);
    threads.setName("ferry-metrics");
    threads.setDaemon(true);
    Server server = new Server(threads);
    ServerConnector connector = new ServerConnector(server, 1, 1);
    connector.setHost(host);
    connector.setPort(port);
    connector.setIdleTimeout(30_000);
    server.addConnector(connector);
    server.setHandler(new MetricsHandler(metrics));
    server.setStopTimeout(0);
    start(server, host, port);
    return server;
  }

  /** The port a started server's first connector listens on. */
  public static int port(Server server) {
    return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
  }

  /** Stops a server, closing its connections; never throws. */
  public static void stop(Server server) {
    try {
      server.stop();
    } catch (Exception e) {
      // Stopping closes sockets; a failure there leaves nothing to undo.
      org.slf4j.LoggerFactory.getLogger(Listeners.class).debug("stopping Jetty: {}", e.toString());
    }
  }

  private static void start(Server server, String host, int port) {
    try {
      server.start();
    } catch (IOException e) {
      stop(server);
      throw new UncheckedIOException("cannot listen on " + host + ":" + port, e);
    } catch (Exception e) {
      stop(server);
      throw new UncheckedIOException(
          "cannot listen on " + host + ":" + port, new IOException(e.getMessage(), e));
    }
  }

  private static final class MetricsHandler extends Handler.Abstract {
    private final ServerMetrics metrics;

    MetricsHandler(ServerMetrics metrics) {
      this.metrics = metrics;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      String path = request.getHttpURI().getPath();
      if (!"/metrics".equals(path) || !"GET".equals(request.getMethod())) {
        byte[] json =
            ErrorJson.of(ApiException.notFound(path == null ? "" : Router.shorten(path)));
        response.setStatus(404);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        response.write(true, ByteBuffer.wrap(json), callback);
        return true;
      }
      byte[] text = metrics.scrape().getBytes(StandardCharsets.UTF_8);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
      response.write(true, ByteBuffer.wrap(text), callback);
      return true;
    }
  }
}
