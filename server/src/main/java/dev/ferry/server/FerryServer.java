package dev.ferry.server;

import com.sun.net.httpserver.HttpServer;
import dev.ferry.server.internal.DaemonThreads;
import dev.ferry.server.internal.JdkHttpServerSettings;
import dev.ferry.server.internal.http.HttpApi;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reference sync server: wire protocol v1 over the JDK HTTP server and a {@link MutationLog}.
 *
 * <p>Build one with {@link #builder()}, {@link #start()} it, and {@link #stop(Duration)} it; the
 * server owns its storage and closes it on stop. Requests run on a bounded pool of worker threads;
 * long-poll pulls wait without holding one. A stop answers new requests {@code 503}, answers parked
 * long-polls with what they can read, and lets requests in flight finish until the deadline.
 *
 * <p>Thread-safe. A stopped server cannot be started again.
 */
public final class FerryServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(FerryServer.class);
  private static final Duration DEFAULT_STOP = Duration.ofSeconds(5);

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

  // Written under this server's lock by start and stop; read without it, so that monitoring calls
  // answer while a stop waits for requests in flight.
  private volatile State state = State.NEW;
  private volatile @Nullable HttpServer http;
  private volatile @Nullable HttpApi api;
  private @Nullable ThreadPoolExecutor workers;

  private FerryServer(Builder b) {
    this.storage = Objects.requireNonNull(b.storage, "storage");
    this.host = b.host;
    this.requestedPort = b.port;
    this.grants = List.copyOf(b.grants);
    this.insecureTenant = b.insecureTenant;
    this.limits = b.limits;
    this.clock = b.clock;
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
    // Read once when the JDK HTTP server's classes initialize, so before the first server exists.
    Optional<Duration> responseLimit = JdkHttpServerSettings.applyDefaults(System.getProperties());
    HttpApi newApi = new HttpApi(storage, grants, insecureTenant, fitted(limits, responseLimit), clock);
    ThreadPoolExecutor pool = newWorkers();
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getByName(host), requestedPort), 0);
      server.createContext("/", newApi.handler());
      server.setExecutor(pool);
      server.start();
      http = server;
    } catch (IOException e) {
      pool.shutdownNow();
      newApi.close();
      throw new UncheckedIOException("cannot listen on " + host + ":" + requestedPort, e);
    }
    api = newApi;
    workers = pool;
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
    HttpServer h = Objects.requireNonNull(http);
    ThreadPoolExecutor w = Objects.requireNonNull(workers);
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      if (!a.drain(timeout)) {
        LOG.warn("{} request(s) still in flight at the stop deadline; closing them", a.inFlight());
      }
      h.stop(0);
      w.shutdown();
      w.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      h.stop(0);
    } finally {
      w.shutdownNow();
      a.close();
      LOG.info("Ferry server on port {} stopped", port());
    }
  }

  /** {@link #stop(Duration)} with a 5-second deadline. */
  @Override
  public void close() {
    stop(DEFAULT_STOP);
  }

  /**
   * The bound port (the free port chosen when built with port 0).
   *
   * @throws IllegalStateException before {@link #start}
   */
  public int port() {
    HttpServer h = http;
    if (h == null) {
      throw new IllegalStateException("the server has not been started");
    }
    return h.getAddress().getPort();
  }

  /**
   * The base URL clients use, e.g. {@code http://127.0.0.1:8787}.
   *
   * @throws IllegalStateException before {@link #start}
   */
  public URI baseUri() {
    int p = port();
    String h = host.contains(":") ? "[" + host + "]" : host;
    if (host.equals("0.0.0.0") || host.equals("::")) {
      h = "127.0.0.1";
    }
    return URI.create("http://" + h + ":" + p);
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

  /**
   * The limits with long-polls short enough that the JDK's response time limit does not cut them
   * off (it counts a long-poll's whole wait).
   */
  private static ServerLimits fitted(ServerLimits limits, Optional<Duration> responseLimit) {
    Duration wait = JdkHttpServerSettings.longestWait(limits.maxWait(), responseLimit);
    if (wait.equals(limits.maxWait())) {
      return limits;
    }
    LOG.warn(
        "long-polls are held at most {} ms instead of {} ms: {}={} s closes slower responses",
        wait.toMillis(),
        limits.maxWait().toMillis(),
        JdkHttpServerSettings.MAX_RESPONSE_TIME,
        responseLimit.map(Duration::toSeconds).orElse(0L));
    return limits.toBuilder().maxWait(wait).build();
  }

  private ThreadPoolExecutor newWorkers() {
    return new ThreadPoolExecutor(
        limits.workerThreads(),
        limits.workerThreads(),
        0,
        TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(limits.queueCapacity()),
        DaemonThreads.named("ferry-http"));
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
      Objects.requireNonNull(host, "host");
      if (host.isBlank()) {
        throw new IllegalArgumentException("host must not be blank");
      }
      try {
        InetAddress.getByName(host);
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("host must be resolvable, was '" + host + "'", e);
      }
      this.host = host;
      return this;
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
