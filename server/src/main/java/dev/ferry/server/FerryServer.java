package dev.ferry.server;

import dev.ferry.server.internal.http.HttpApi;
import dev.ferry.server.internal.http.Listeners;
import dev.ferry.server.internal.http.ServerMetrics;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.eclipse.jetty.server.Server;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reference sync server: wire protocol v1 over Jetty and a {@link MutationLog}.
 *
 * <p>Build one with {@link #builder()}, {@link #start()} it, and {@link #stop(Duration)} it; the
 * server owns its storage and closes it on stop. Network I/O is non-blocking: reading a request,
 * parking a long-poll and writing an answer hold no thread, so a slow or silent client costs only
 * its own connection; storage work runs on a bounded pool of worker threads. A stop answers new
 * requests {@code 503}, answers parked long-polls with what they can read, and lets requests in
 * flight finish until the deadline. Optionally a second listener serves Prometheus metrics.
 *
 * <p>Thread-safe. A stopped server cannot be started again.
 */
public final class FerryServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(FerryServer.class);

  private enum State {
    NEW,
    RUNNING,
    STOPPING,
    STOPPED
  }

  private final MutationLog storage;
  private final String host;
  private final int requestedPort;
  private final List<TokenGrant> grants;
  private final @Nullable String insecureTenant;
  private final ServerLimits limits;
  private final Clock clock;
  private final String metricsHost;
  private final int metricsPort;

  // Written under this server's lock by start and stop; read without it, so that monitoring calls
  // answer while a stop waits for requests in flight.
  private volatile State state = State.NEW;
  private volatile @Nullable Server http;
  private volatile @Nullable Server metricsHttp;
  private volatile @Nullable HttpApi api;
  private volatile int boundPort = -1;
  private volatile int boundMetricsPort = -1;

  private FerryServer(Builder b) {
    this.storage = Objects.requireNonNull(b.storage, "storage");
    this.host = b.host;
    this.requestedPort = b.port;
    this.grants = List.copyOf(b.grants);
    this.insecureTenant = b.insecureTenant;
    this.limits = b.limits;
    this.clock = b.clock;
    this.metricsHost = b.metricsHost;
    this.metricsPort = b.metricsPort;
  }

  /** A builder; {@link Builder#storage} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Binds the port and starts serving. A no-op when already running.
   *
   * @return this server
   * @throws IllegalStateException after {@link #stop}
   * @throws UncheckedIOException if the address cannot be bound (e.g. the port is taken)
   */
  public synchronized FerryServer start() {
    if (state == State.RUNNING) {
      return this;
    }
    if (state != State.NEW) {
      throw new IllegalStateException("a stopped server cannot be started again");
    }
    HttpApi newApi = new HttpApi(storage, grants, insecureTenant, limits, clock, new ServerMetrics());
    Server server;
    try {
      server = Listeners.startApi(host, requestedPort, limits, newApi);
    } catch (UncheckedIOException e) {
      newApi.close();
      throw e;
    }
    Server metricsServer = null;
    if (metricsPort >= 0) {
      try {
        metricsServer = Listeners.startMetrics(metricsHost, metricsPort, newApi.metrics());
      } catch (UncheckedIOException e) {
        Listeners.stop(server);
        newApi.close();
        throw e;
      }
      boundMetricsPort = Listeners.port(metricsServer);
    }
    boundPort = Listeners.port(server);
    http = server;
    metricsHttp = metricsServer;
    api = newApi;
    state = State.RUNNING;
    LOG.info(
        "Ferry server listening on {} ({} token grant(s), storage {})",
        baseUri(),
        grants.size(),
        storage.describe());
    if (insecureTenant != null) {
      LOG.warn(
          "AUTHENTICATION IS OFF: any request, with no token or any token, may read and write every"
              + " project of tenant '{}' on {}. Use this only for development on a trusted machine.",
          insecureTenant,
          baseUri());
    }
    return this;
  }

  /**
   * Stops gracefully: answers parked long-polls, lets requests in flight finish until {@code
   * timeout} has passed, then closes every connection, the worker threads and the storage. A no-op
   * when already stopped; closes the storage when never started.
   *
   * @param timeout how long requests in flight may take to finish, not negative
   */
  public synchronized void stop(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("stop timeout must not be negative, was " + timeout);
    }
    if (state == State.STOPPED) {
      return;
    }
    State was = state;
    state = State.STOPPING;
    try {
      if (was == State.RUNNING) {
        stopServing(timeout);
      }
    } finally {
      state = State.STOPPED;
      storage.close();
    }
  }

  private void stopServing(Duration timeout) {
    HttpApi a = Objects.requireNonNull(api);
    Server h = Objects.requireNonNull(http);
    try {
      if (!a.drain(timeout)) {
        LOG.warn("{} request(s) still in flight at the stop deadline; closing them", a.inFlight());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      Listeners.stop(h);
      Server m = metricsHttp;
      if (m != null) {
        Listeners.stop(m);
      }
      a.close();
      LOG.info("Ferry server on port {} stopped", boundPort);
    }
  }

  /** {@link #stop(Duration)} with the limits' {@link ServerLimits#stopTimeout()} (default 5 s). */
  @Override
  public void close() {
    stop(limits.stopTimeout());
  }

  /**
   * The bound port (the free port chosen when built with port 0).
   *
   * @throws IllegalStateException before {@link #start}
   */
  public int port() {
    int p = boundPort;
    if (p < 0) {
      throw new IllegalStateException("the server has not been started");
    }
    return p;
  }

  /**
   * The URL of the Prometheus metrics, e.g. {@code http://127.0.0.1:9464/metrics}.
   *
   * @throws IllegalStateException before {@link #start}, or when built without a metrics port
   */
  public URI metricsUri() {
    int p = boundMetricsPort;
    if (p < 0) {
      throw new IllegalStateException(
          metricsPort < 0 ? "no metrics port was configured" : "the server has not been started");
    }
    return URI.create("http://" + uriHost(metricsHost) + ":" + p + "/metrics");
  }

  /**
   * The base URL clients use, e.g. {@code http://127.0.0.1:8787}.
   *
   * @throws IllegalStateException before {@link #start}
   */
  public URI baseUri() {
    int p = port();
    return URI.create("http://" + uriHost(host) + ":" + p);
  }

  private static String uriHost(String host) {
    if (host.equals("0.0.0.0") || host.equals("::")) {
      return "127.0.0.1";
    }
    return host.contains(":") ? "[" + host + "]" : host;
  }

  /**
   * Requests received and not yet answered, including parked long-polls; also while a stop waits
   * for them; 0 before start and after stop. Does not wait for a stop in progress.
   */
  public int inFlightRequests() {
    HttpApi a = api;
    return a == null || !serving() ? 0 : a.inFlight();
  }

  /** Long-poll pulls parked now; 0 before start and after stop. Does not wait for a stop. */
  public int parkedPulls() {
    HttpApi a = api;
    return a == null || !serving() ? 0 : a.parkedPulls();
  }

  private boolean serving() {
    State s = state;
    return s == State.RUNNING || s == State.STOPPING;
  }

  /** Builds a {@link FerryServer}. Setters validate at once. Not thread-safe. */
  public static final class Builder {
    private @Nullable MutationLog storage;
    private String host = "127.0.0.1";
    private int port = 8787;
    private final List<TokenGrant> grants = new ArrayList<>();
    private @Nullable String insecureTenant;
    private ServerLimits limits = ServerLimits.defaults();
    private Clock clock = Clock.systemUTC();
    private String metricsHost = "127.0.0.1";
    private int metricsPort = -1;

    private Builder() {}

    /** The log to serve; the server closes it on stop. Required. */
    public Builder storage(MutationLog storage) {
      this.storage = Objects.requireNonNull(storage, "storage");
      return this;
    }

    /**
     * The address to bind; default {@code 127.0.0.1}.
     *
     * @throws IllegalArgumentException if blank or not resolvable
     */
    public Builder host(String host) {
      this.host = resolvable(host);
      return this;
    }

    private static String resolvable(String host) {
      Objects.requireNonNull(host, "host");
      if (host.isBlank()) {
        throw new IllegalArgumentException("host must not be blank");
      }
      try {
        InetAddress.getByName(host);
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("host must be resolvable, was '" + host + "'", e);
      }
      return host;
    }

    /**
     * The port to bind; 0 picks a free one. Default 8787.
     *
     * @throws IllegalArgumentException unless between 0 and 65535
     */
    public Builder port(int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port must be between 0 and 65535, was " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * Adds a token grant. Grants of one tenant with the same {@linkplain TokenGrant#name() name}
     * are one principal: they share the replicas they push (a rotated token keeps them) and must
     * have the same grants, which {@link #build()} checks.
     */
    public Builder grant(TokenGrant grant) {
      grants.add(Objects.requireNonNull(grant, "grant"));
      return this;
    }

    /** Adds token grants. */
    public Builder grants(List<TokenGrant> grants) {
      Objects.requireNonNull(grants, "grants").forEach(this::grant);
      return this;
    }

    /**
     * Turns authentication off, for development only: a request with no token, or with a token no
     * grant has, acts in {@code tenant} and may read and write every project; a token that has a
     * grant still gets exactly that grant. The server logs a warning when it starts. Off by default.
     *
     * @throws IllegalArgumentException if the tenant is blank, longer than {@value
     *     TokenGrant#MAX_TENANT_LENGTH} characters or holds control characters
     */
    public Builder insecureNoAuth(String tenant) {
      Objects.requireNonNull(tenant, "tenant");
      if (tenant.isBlank() || tenant.length() > TokenGrant.MAX_TENANT_LENGTH) {
        throw new IllegalArgumentException(
            "tenant must not be blank and at most " + TokenGrant.MAX_TENANT_LENGTH + " characters");
      }
      if (tenant.chars().anyMatch(Character::isISOControl)) {
        throw new IllegalArgumentException("tenant must not contain control characters");
      }
      this.insecureTenant = tenant;
      return this;
    }

    /**
     * Serves Prometheus metrics ({@code GET /metrics}) on a listener of their own at this port; 0
     * picks a free one. Off by default. The listener has no authentication: keep it on loopback
     * or a private network (see {@link #metricsHost}).
     *
     * @throws IllegalArgumentException unless between 0 and 65535
     */
    public Builder metricsPort(int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("metrics port must be between 0 and 65535, was " + port);
      }
      this.metricsPort = port;
      return this;
    }

    /**
     * The address of the metrics listener; default {@code 127.0.0.1}.
     *
     * @throws IllegalArgumentException if blank or not resolvable
     */
    public Builder metricsHost(String host) {
      this.metricsHost = resolvable(host);
      return this;
    }

    /** Limits; default {@link ServerLimits#defaults()}. */
    public Builder limits(ServerLimits limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /** The clock stamping {@code accepted_at}; default the system UTC clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Builds a server that is not started yet; call {@link FerryServer#start()}.
     *
     * @throws IllegalStateException without storage
     * @throws IllegalArgumentException if two grants share a token, or tokens of one tenant with
     *     the same {@linkplain TokenGrant#name() name} have different grants
     */
    public FerryServer build() {
      if (storage == null) {
        throw new IllegalStateException("storage is required");
      }
      TokenGrant.checkTogether(grants);
      return new FerryServer(this);
    }
  }
}
