package dev.ferry.transport;

import dev.ferry.transport.internal.BearerAuth;
import dev.ferry.transport.internal.CallTimeouts;
import dev.ferry.transport.internal.CallTracker;
import dev.ferry.transport.internal.DaemonThreads;
import dev.ferry.transport.internal.ErrorClassifier;
import dev.ferry.transport.internal.GzipRequestInterceptor;
import dev.ferry.transport.internal.HttpExchange;
import dev.ferry.transport.internal.JitteredBackoff;
import dev.ferry.transport.internal.LoopbackHosts;
import dev.ferry.transport.internal.NoDelaySocketFactory;
import dev.ferry.transport.internal.RequestRunner;
import dev.ferry.transport.internal.ResponseValidator;
import dev.ferry.transport.internal.RetryAfter;
import dev.ferry.transport.internal.RetryingExecutor;
import dev.ferry.transport.internal.WireCodec;
import dev.ferry.transport.wire.HealthResponse;
import dev.ferry.transport.wire.PullResponse;
import dev.ferry.transport.wire.PushRequest;
import dev.ferry.transport.wire.PushResponse;
import dev.ferry.transport.wire.WhoAmIResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.random.RandomGenerator;
import okhttp3.Dispatcher;
import okhttp3.HttpUrl;
import okhttp3.OkHttp;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/**
 * The OkHttp client of wire protocol v1.
 *
 * <p>Built with {@link #builder()}; {@link #toBuilder()} derives a variant that shares the
 * connection pool. Every call validates its response (see {@link SyncTransport}), retries
 * transient failures (at most {@link Builder#maxAttempts(int) three attempts} by default, with
 * jitter, honouring {@code Retry-After} up to a cap) and asks the {@link TokenProvider} once for a
 * fresh token after a {@code 401}. {@link #close()} cancels this transport's calls, retry waits and
 * token refreshes, and nothing else on a shared {@link OkHttpClient}.
 *
 * <p>Thread-safe: calls may run concurrently from any threads. Tokens never appear in exception
 * messages or log lines.
 */
public final class HttpSyncTransport implements SyncTransport {

  private final Builder config;
  private final HttpUrl pushUrl;
  private final HttpUrl pullUrl;
  private final HttpUrl healthUrl;
  private final HttpUrl whoamiUrl;
  private final CallTracker tracker = new CallTracker();
  private final ExecutorService executor;
  private final RequestRunner runner;

  private HttpSyncTransport(Builder builder) {
    this.config = builder.copy();
    HttpUrl base = Objects.requireNonNull(config.baseUrl);
    this.pushUrl = endpoint(base, "v1/push");
    this.pullUrl = endpoint(base, "v1/pull");
    this.healthUrl = endpoint(base, "v1/health");
    this.whoamiUrl = endpoint(base, "v1/whoami");
    this.executor = DaemonThreads.newCachedPool("ferry-transport");
    Dispatcher dispatcher = new Dispatcher(executor);
    // Long-polls hold a request each; OkHttp's default of 5 per host would queue other calls.
    dispatcher.setMaxRequests(64);
    dispatcher.setMaxRequestsPerHost(64);
    OkHttpClient baseClient = config.baseClient();
    OkHttpClient client =
        baseClient.newBuilder()
            .dispatcher(dispatcher)
            .socketFactory(NoDelaySocketFactory.wrap(baseClient.socketFactory()))
            .connectTimeout(config.connectTimeout)
            .readTimeout(config.readTimeout)
            .writeTimeout(config.writeTimeout)
            .callTimeout(Duration.ZERO)
            .followRedirects(false)
            .followSslRedirects(false)
            .addInterceptor(CallTimeouts.INTERCEPTOR)
            .addInterceptor(new GzipRequestInterceptor(config.gzipThresholdBytes))
            .build();
    ErrorClassifier classifier = new ErrorClassifier(new RetryAfter(config.clock));
    Sleeper sleeper = config.sleeper != null ? config.sleeper : tracker::awaitClose;
    RetryingExecutor retries =
        new RetryingExecutor(
            "ferry-transport",
            config.maxAttempts,
            config.maxRetryAfter,
            new JitteredBackoff(config.retryBaseDelay, config.retryMaxDelay, config.random),
            sleeper,
            tracker);
    this.runner =
        new RequestRunner(
            new HttpExchange(client, tracker, classifier, config.maxResponseBytes),
            new BearerAuth(Objects.requireNonNull(config.tokenProvider), executor, tracker),
            retries,
            classifier,
            userAgent(config.userAgentPrefix));
  }

  /** A builder with the defaults; {@link Builder#baseUrl} and a token are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this transport's settings and OkHttp client (so the pool is shared). */
  public Builder toBuilder() {
    return config.copy();
  }

  /** The base URL every path is resolved against. */
  public HttpUrl baseUrl() {
    return Objects.requireNonNull(config.baseUrl);
  }

  /** The {@code User-Agent} this transport sends. */
  public String userAgent() {
    return userAgent(config.userAgentPrefix);
  }

  @Override
  public PushResponse push(PushRequest request) {
    Objects.requireNonNull(request, "request");
    RequestRunner.Spec spec =
        new RequestRunner.Spec(
            "push", pushUrl, WireCodec.write(request), true, null, config.callTimeout);
    return runner.run(
        spec, PushResponse.class, response -> ResponseValidator.checkPush(request, response));
  }

  @Override
  public PullResponse pull(long since, int limit, Duration wait) {
    if (since < 0) {
      throw new IllegalArgumentException("since must not be negative, was " + since);
    }
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive, was " + limit);
    }
    Objects.requireNonNull(wait, "wait");
    if (wait.isNegative() || wait.compareTo(Builder.MAX_WAIT) > 0) {
      throw new IllegalArgumentException(
          "wait must be between 0 and " + Builder.MAX_WAIT.toMinutes() + " minutes, was " + wait);
    }
    HttpUrl url =
        pullUrl
            .newBuilder()
            .addQueryParameter("since", Long.toString(since))
            .addQueryParameter("limit", Integer.toString(limit))
            .addQueryParameter("wait_ms", Long.toString(wait.toMillis()))
            .build();
    Duration readTimeout = null;
    Duration callTimeout = config.callTimeout;
    if (!wait.isZero()) {
      Duration held = wait.plus(config.longPollMargin);
      readTimeout = held.compareTo(config.readTimeout) > 0 ? held : config.readTimeout;
      callTimeout = callTimeout.isZero() ? callTimeout : callTimeout.plus(held);
    }
    RequestRunner.Spec spec =
        new RequestRunner.Spec("pull", url, null, true, readTimeout, callTimeout);
    return runner.run(
        spec, PullResponse.class, page -> ResponseValidator.checkPull(since, limit, page));
  }

  @Override
  public HealthResponse health() {
    RequestRunner.Spec spec =
        new RequestRunner.Spec("health", healthUrl, null, false, null, config.callTimeout);
    return runner.run(spec, HealthResponse.class, response -> {});
  }

  @Override
  public WhoAmIResponse whoami() {
    RequestRunner.Spec spec =
        new RequestRunner.Spec("whoami", whoamiUrl, null, true, null, config.callTimeout);
    return runner.run(spec, WhoAmIResponse.class, response -> {});
  }

  /**
   * Cancels this transport's calls in flight, its retry waits and token refreshes (they fail
   * {@link TransportException.Kind#CANCELLED}) and refuses new calls. Idempotent; does not block.
   */
  @Override
  public void close() {
    tracker.close();
    executor.shutdown();
  }

  @Override
  public String toString() {
    return "HttpSyncTransport{" + config.baseUrl + "}";
  }

  private static HttpUrl endpoint(HttpUrl base, String path) {
    return base.newBuilder().addPathSegments(path).build();
  }

  private static String userAgent(String prefix) {
    String ferry = "ferry/" + FerryVersion.current() + " okhttp/" + OkHttp.VERSION;
    return prefix.isEmpty() ? ferry : prefix + " " + ferry;
  }

  /**
   * Settings of an {@link HttpSyncTransport}. Every setter validates its argument and says the
   * rule when it refuses one; {@link #build()} checks the settings together. Not thread-safe;
   * {@link #build()} copies the settings, so a builder may be reused.
   */
  public static final class Builder {

    /** The longest long-poll wait {@link HttpSyncTransport#pull} accepts. */
    public static final Duration MAX_WAIT = Duration.ofMinutes(5);

    private static final long MAX_RESPONSE_LIMIT = 1L << 30;

    private @Nullable HttpUrl baseUrl;
    private @Nullable TokenProvider tokenProvider;
    private @Nullable OkHttpClient client;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration readTimeout = Duration.ofSeconds(30);
    private Duration writeTimeout = Duration.ofSeconds(30);
    private Duration callTimeout = Duration.ofMinutes(2);
    private Duration longPollMargin = Duration.ofSeconds(10);
    private long gzipThresholdBytes = 16 * 1024;
    private long maxResponseBytes = 64L * 1024 * 1024;
    private boolean allowInsecureHttp;
    private int maxAttempts = 3;
    private Duration retryBaseDelay = Duration.ofMillis(200);
    private Duration retryMaxDelay = Duration.ofSeconds(2);
    private Duration maxRetryAfter = Duration.ofSeconds(5);
    private Clock clock = Clock.systemUTC();
    private RandomGenerator random = JitteredBackoff.THREAD_LOCAL_RANDOM;
    private @Nullable Sleeper sleeper;
    private String userAgentPrefix = "";

    private Builder() {}

    /**
     * The server's base URL, e.g. {@code https://sync.example.com/ferry/}; paths such as {@code
     * v1/push} are resolved below it. Required.
     *
     * @throws IllegalArgumentException unless it is an absolute http(s) URL without user info,
     *     query or fragment
     */
    public Builder baseUrl(String url) {
      Objects.requireNonNull(url, "url");
      HttpUrl parsed = HttpUrl.parse(url);
      if (parsed == null) {
        throw new IllegalArgumentException("base URL must be an absolute http or https URL");
      }
      return baseUrl(parsed);
    }

    /** As {@link #baseUrl(String)}. */
    public Builder baseUrl(HttpUrl url) {
      Objects.requireNonNull(url, "url");
      if (!url.username().isEmpty() || !url.password().isEmpty()) {
        throw new IllegalArgumentException(
            "base URL must not contain user info; credentials come from the token provider");
      }
      if (url.query() != null || url.fragment() != null) {
        throw new IllegalArgumentException("base URL must not have a query or a fragment");
      }
      this.baseUrl = url;
      return this;
    }

    /** Where bearer tokens come from. Required (or {@link #token(String)}). */
    public Builder tokenProvider(TokenProvider provider) {
      this.tokenProvider = Objects.requireNonNull(provider, "provider");
      return this;
    }

    /** A fixed bearer token; shorthand for {@code tokenProvider(TokenProvider.of(token))}. */
    public Builder token(String token) {
      return tokenProvider(TokenProvider.of(token));
    }

    /**
     * The OkHttp client to build on, for its connection pool, TLS, proxy, DNS, event listener and
     * interceptors. The transport derives its own client from it with its own timeouts, dispatcher
     * (so {@code close()} touches only its own calls), {@code TCP_NODELAY} sockets, no redirects
     * and request gzip; the given client is not modified, and its connections are not reused by the
     * transport (OkHttp pools per socket factory). Default: one client shared by all transports that were given none.
     */
    public Builder okHttpClient(OkHttpClient client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /** Connect timeout. Default 10 s. @throws IllegalArgumentException unless positive */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connect timeout");
      return this;
    }

    /**
     * Longest silence while reading a response. A long-poll extends it to its wait plus {@link
     * #longPollMargin}. Default 30 s.
     *
     * @throws IllegalArgumentException unless positive
     */
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = positive(timeout, "read timeout");
      return this;
    }

    /** Longest stall while writing a request. Default 30 s. @throws IllegalArgumentException unless positive */
    public Builder writeTimeout(Duration timeout) {
      this.writeTimeout = positive(timeout, "write timeout");
      return this;
    }

    /**
     * Deadline of one attempt from start to the last body byte, so a server that trickles bytes
     * cannot hold a call forever; a long-poll adds its wait. {@link Duration#ZERO} for none.
     * Default 2 min.
     *
     * @throws IllegalArgumentException when negative
     */
    public Builder callTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("call timeout must not be negative");
      }
      this.callTimeout = timeout;
      return this;
    }

    /**
     * How much longer than its wait a long-poll may take before it times out (network and server
     * slack). Default 10 s.
     *
     * @throws IllegalArgumentException unless positive
     */
    public Builder longPollMargin(Duration margin) {
      this.longPollMargin = positive(margin, "long-poll margin");
      return this;
    }

    /**
     * Request bodies larger than this many bytes are sent with {@code Content-Encoding: gzip}.
     * Default 16 KiB; {@link Long#MAX_VALUE} never compresses.
     *
     * @throws IllegalArgumentException when negative
     */
    public Builder gzipRequestsAbove(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("gzip threshold must not be negative");
      }
      this.gzipThresholdBytes = bytes;
      return this;
    }

    /**
     * Largest response body read (after decompression); a larger one fails {@code PROTOCOL}.
     * Default 64 MiB. It must exceed the largest page the server sends: a server following
     * docs/PROTOCOL.md keeps pages within {@code max(page byte budget, push body limit)} plus a
     * few hundred bytes, about 8 MiB with the reference server's defaults, so the default leaves a
     * wide margin; lower it only below a server whose limits you know.
     *
     * @throws IllegalArgumentException unless between 1 byte and 1 GiB
     */
    public Builder maxResponseBytes(long bytes) {
      if (bytes < 1 || bytes > MAX_RESPONSE_LIMIT) {
        throw new IllegalArgumentException("max response bytes must be between 1 and 1 GiB");
      }
      this.maxResponseBytes = bytes;
      return this;
    }

    /**
     * Allows a bearer token over plain {@code http} to a host that is not loopback. Off by default:
     * anyone on the path could read the token.
     */
    public Builder allowInsecureHttp(boolean allow) {
      this.allowInsecureHttp = allow;
      return this;
    }

    /**
     * Attempts per request, first one included; only transient failures are retried. Default 3.
     *
     * @throws IllegalArgumentException unless between 1 and 10
     */
    public Builder maxAttempts(int attempts) {
      if (attempts < 1 || attempts > 10) {
        throw new IllegalArgumentException("max attempts must be between 1 and 10");
      }
      this.maxAttempts = attempts;
      return this;
    }

    /**
     * Retry waits: {@code base · 2^(n-1)} capped at {@code max}, times a random factor in [0.5,
     * 1.5). Defaults 200 ms and 2 s.
     *
     * @throws IllegalArgumentException unless base is positive and max is not below base
     */
    public Builder retryDelays(Duration base, Duration max) {
      positive(base, "retry base delay");
      positive(max, "retry max delay");
      if (max.compareTo(base) < 0) {
        throw new IllegalArgumentException("retry max delay must not be below the base delay");
      }
      this.retryBaseDelay = base;
      this.retryMaxDelay = max;
      return this;
    }

    /**
     * The longest {@code Retry-After} the transport sleeps before retrying itself; a longer one
     * ends the call at once and is handed to the caller in {@link TransportException#retryAfter()}.
     * Default 5 s.
     *
     * @throws IllegalArgumentException when negative
     */
    public Builder maxRetryAfter(Duration max) {
      Objects.requireNonNull(max, "max");
      if (max.isNegative()) {
        throw new IllegalArgumentException("max Retry-After must not be negative");
      }
      this.maxRetryAfter = max;
      return this;
    }

    /** The clock that turns a {@code Retry-After} date into a delay. Default the UTC system clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Randomness for retry jitter; must be thread-safe. Default thread-local randomness. */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /**
     * How retry waits wait, for tests. Default: a wait that {@link HttpSyncTransport#close()} ends
     * at once.
     */
    public Builder sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
      return this;
    }

    /**
     * A product token put before Ferry's own in {@code User-Agent}, e.g. {@code notes-app/2.1}.
     *
     * @throws IllegalArgumentException unless it is printable ASCII without line breaks
     */
    public Builder userAgentPrefix(String prefix) {
      Objects.requireNonNull(prefix, "prefix");
      if (!prefix.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
        throw new IllegalArgumentException("user agent prefix must be printable ASCII");
      }
      this.userAgentPrefix = prefix.trim();
      return this;
    }

    /**
     * A transport with these settings.
     *
     * @throws IllegalStateException when the base URL or the token provider is missing
     * @throws IllegalArgumentException when the base URL is plain {@code http} to a host that is
     *     not loopback and {@link #allowInsecureHttp(boolean)} is off
     */
    public HttpSyncTransport build() {
      if (baseUrl == null) {
        throw new IllegalStateException("base URL is required");
      }
      if (tokenProvider == null) {
        throw new IllegalStateException("a token provider (or token) is required");
      }
      if (!baseUrl.isHttps() && !allowInsecureHttp && !LoopbackHosts.isLoopback(baseUrl.host())) {
        throw new IllegalArgumentException(
            "refusing to send a bearer token over plain http to "
                + baseUrl.host()
                + ": use https, a loopback host (127.0.0.0/8, ::1, localhost), or"
                + " allowInsecureHttp(true)");
      }
      return new HttpSyncTransport(this);
    }

    private OkHttpClient baseClient() {
      return client != null ? client : SharedClient.INSTANCE;
    }

    private Builder copy() {
      Builder b = new Builder();
      b.baseUrl = baseUrl;
      b.tokenProvider = tokenProvider;
      b.client = client;
      b.connectTimeout = connectTimeout;
      b.readTimeout = readTimeout;
      b.writeTimeout = writeTimeout;
      b.callTimeout = callTimeout;
      b.longPollMargin = longPollMargin;
      b.gzipThresholdBytes = gzipThresholdBytes;
      b.maxResponseBytes = maxResponseBytes;
      b.allowInsecureHttp = allowInsecureHttp;
      b.maxAttempts = maxAttempts;
      b.retryBaseDelay = retryBaseDelay;
      b.retryMaxDelay = retryMaxDelay;
      b.maxRetryAfter = maxRetryAfter;
      b.clock = clock;
      b.random = random;
      b.sleeper = sleeper;
      b.userAgentPrefix = userAgentPrefix;
      return b;
    }

    private static Duration positive(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " must be positive");
      }
      return d;
    }
  }

  /** The client shared by transports that were given none, created on first use. */
  private static final class SharedClient {
    static final OkHttpClient INSTANCE = new OkHttpClient();
  }
}
