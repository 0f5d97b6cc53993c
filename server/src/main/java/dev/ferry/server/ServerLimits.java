package dev.ferry.server;

import java.time.Duration;

/**
 * How much a request may ask of the server, and how much work the server takes on at once.
 * Immutable and thread-safe; make one with {@link #builder()} or derive one with {@link
 * #toBuilder()}.
 */
public final class ServerLimits {

  private static final ServerLimits DEFAULTS = new Builder().build();

  private final int maxBodyBytes;
  private final int maxBatchMutations;
  private final int defaultPullLimit;
  private final int maxPullLimit;
  private final Duration maxWait;
  private final int maxWaiters;
  private final int workerThreads;
  private final int queueCapacity;
  private final int gzipResponseThreshold;
  private final int maxPageBytes;
  private final int maxWaitersPerTenant;
  private final Duration idleTimeout;
  private final long minRequestDataRate;
  private final long minResponseDataRate;
  private final int maxConnections;
  private final Duration stopTimeout;
  private final Duration headerTimeout;

  private ServerLimits(Builder b) {
    this.maxBodyBytes = b.maxBodyBytes;
    this.maxBatchMutations = b.maxBatchMutations;
    this.defaultPullLimit = b.defaultPullLimit;
    this.maxPullLimit = b.maxPullLimit;
    this.maxWait = b.maxWait;
    this.maxWaiters = b.maxWaiters;
    this.workerThreads = b.workerThreads;
    this.queueCapacity = b.queueCapacity;
    this.gzipResponseThreshold = b.gzipResponseThreshold;
    this.maxPageBytes = b.maxPageBytes;
    this.maxWaitersPerTenant = b.maxWaitersPerTenant;
    this.idleTimeout = b.idleTimeout;
    this.minRequestDataRate = b.minRequestDataRate;
    this.minResponseDataRate = b.minResponseDataRate;
    this.maxConnections = b.maxConnections;
    this.stopTimeout = b.stopTimeout;
    this.headerTimeout = b.headerTimeout;
  }

  /**
   * The defaults: 8 MiB bodies, 1,000 mutations a push, pages of 500 up to 1,000 mutations and
   * about 4 MiB, 30 s waits, 5,000 long-polls of which 1,000 per tenant, 10,000 connections idle
   * at most 30 s, data sent and read at least 1 KiB/s, 5 s to stop.
   */
  public static ServerLimits defaults() {
    return DEFAULTS;
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this configuration. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Largest request body in bytes, after gzip decompression; larger answers 413. */
  public int maxBodyBytes() {
    return maxBodyBytes;
  }

  /** Most mutations in one push; more answers 400 {@code batch_too_large}. */
  public int maxBatchMutations() {
    return maxBatchMutations;
  }

  /** Page size of a pull that names no {@code limit}. */
  public int defaultPullLimit() {
    return defaultPullLimit;
  }

  /** Largest page a pull gets; a larger {@code limit} is lowered to this. */
  public int maxPullLimit() {
    return maxPullLimit;
  }

  /** Longest a long-poll is held; a larger {@code wait_ms} is lowered to this. */
  public Duration maxWait() {
    return maxWait;
  }

  /**
   * Most long-polls parked at once over all tenants; beyond it a long-poll is answered at once
   * {@code 429}. 0 turns long-polling off (every pull is answered at once with its page).
   */
  public int maxWaiters() {
    return maxWaiters;
  }

  /**
   * Most long-polls one tenant may have parked at once (its share); beyond it that tenant's
   * long-polls are answered {@code 429}, while other tenants still park theirs. Effective share is
   * {@code min(maxWaitersPerTenant, maxWaiters)}; keep it below {@link #maxWaiters()} so that one
   * tenant at its share never makes another wait.
   */
  public int maxWaitersPerTenant() {
    return maxWaitersPerTenant;
  }

  /**
   * How long a connection may go without sending or accepting a byte before it is closed (a
   * parked long-poll is exempt: its wait ends it).
   */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  /**
   * Slowest a request body may arrive, in bytes per second averaged since the server started
   * reading it; a slower upload is answered {@code 408} and its connection closed. 0 = no minimum.
   */
  public long minRequestDataRate() {
    return minRequestDataRate;
  }

  /**
   * Slowest a client may accept its response, in bytes per second; a slower reader has its
   * connection closed. 0 = no minimum (the idle timeout still applies).
   */
  public long minResponseDataRate() {
    return minResponseDataRate;
  }

  /** Most connections open at once; beyond it the server stops accepting until one closes. */
  public int maxConnections() {
    return maxConnections;
  }

  /**
   * Longest a request's headers may take to arrive, from their first byte; a connection still
   * mid-headers after this is closed (checked about once a second).
   */
  public Duration headerTimeout() {
    return headerTimeout;
  }

  /** How long {@code FerryServer.close()} lets requests in flight finish before closing them. */
  public Duration stopTimeout() {
    return stopTimeout;
  }

  /**
   * Most requests doing storage work (reads and appends) at once, and the threads that run those
   * that had to wait for their turn; network I/O never holds one, and long-polls do not hold one
   * while they wait.
   */
  public int workerThreads() {
    return workerThreads;
  }

  /**
   * Requests that may queue for a worker beyond the {@link #workerThreads()} already waiting on
   * the worker threads; beyond it a request is answered {@code 503 overloaded}.
   */
  public int queueCapacity() {
    return queueCapacity;
  }

  /** Response size in bytes from which a response is gzipped for a client that accepts it. */
  public int gzipResponseThreshold() {
    return gzipResponseThreshold;
  }

  /**
   * Byte budget of one pull page: the page ends before the mutation that would take it past this
   * many bytes, but always holds at least one mutation, so a single mutation as large as {@link
   * #maxBodyBytes()} still gets through (its page then exceeds the budget). Counted as the UTF-8
   * size of payloads and names plus a fixed allowance per mutation for the other fields; the
   * response is within a few hundred bytes of it. It bounds what a client must accept and what the
   * server builds in memory per pull: clients must accept at least {@code max(maxPageBytes,
   * maxBodyBytes)} plus some overhead (the Ferry transport accepts 64 MiB by default).
   */
  public int maxPageBytes() {
    return maxPageBytes;
  }

  @Override
  public String toString() {
    return "ServerLimits[maxBodyBytes=" + maxBodyBytes + ", maxBatchMutations=" + maxBatchMutations
        + ", defaultPullLimit=" + defaultPullLimit + ", maxPullLimit=" + maxPullLimit
        + ", maxWait=" + maxWait + ", maxWaiters=" + maxWaiters + ", workerThreads=" + workerThreads
        + ", queueCapacity=" + queueCapacity + ", gzipResponseThreshold=" + gzipResponseThreshold
        + ", maxPageBytes=" + maxPageBytes + ", maxWaitersPerTenant=" + maxWaitersPerTenant
        + ", idleTimeout=" + idleTimeout + ", minRequestDataRate=" + minRequestDataRate
        + ", minResponseDataRate=" + minResponseDataRate + ", maxConnections=" + maxConnections
        + ", stopTimeout=" + stopTimeout + ", headerTimeout=" + headerTimeout + "]";
  }

  /**
   * Builds {@link ServerLimits}. Not thread-safe. Every setter checks its rule at once and throws
   * {@link IllegalArgumentException} (naming the setting, the rule and the value) when it is
   * broken, or {@link NullPointerException} for a null duration; {@link #build()} then checks the
   * settings against each other.
   */
  public static final class Builder {
    private int maxBodyBytes = 8 * 1024 * 1024;
    private int maxBatchMutations = 1_000;
    private int defaultPullLimit = 500;
    private int maxPullLimit = 1_000;
    private Duration maxWait = Duration.ofSeconds(30);
    private int maxWaiters = 5_000;
    private int maxWaitersPerTenant = 1_000;
    private Duration idleTimeout = Duration.ofSeconds(30);
    private long minRequestDataRate = 1024;
    private long minResponseDataRate = 1024;
    private int maxConnections = 10_000;
    private Duration stopTimeout = Duration.ofSeconds(5);
    private Duration headerTimeout = Duration.ofSeconds(10);
    private int workerThreads = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
    private int queueCapacity = 1_024;
    private int gzipResponseThreshold = 8 * 1024;
    private int maxPageBytes = 4 * 1024 * 1024;

    private Builder() {}

    private Builder(ServerLimits l) {
      maxBodyBytes = l.maxBodyBytes;
      maxBatchMutations = l.maxBatchMutations;
      defaultPullLimit = l.defaultPullLimit;
      maxPullLimit = l.maxPullLimit;
      maxWait = l.maxWait;
      maxWaiters = l.maxWaiters;
      workerThreads = l.workerThreads;
      queueCapacity = l.queueCapacity;
      gzipResponseThreshold = l.gzipResponseThreshold;
      maxPageBytes = l.maxPageBytes;
      maxWaitersPerTenant = l.maxWaitersPerTenant;
      idleTimeout = l.idleTimeout;
      minRequestDataRate = l.minRequestDataRate;
      minResponseDataRate = l.minResponseDataRate;
      maxConnections = l.maxConnections;
      stopTimeout = l.stopTimeout;
      headerTimeout = l.headerTimeout;
    }

    /** Largest request body, in bytes after gzip decompression; at least 1,024. Default 8 MiB. */
    public Builder maxBodyBytes(int bytes) {
      this.maxBodyBytes = LimitRules.atLeast(bytes, "max body bytes", 1024);
      return this;
    }

    /** Most mutations one push may carry; 1 to 100,000. Default 1,000. */
    public Builder maxBatchMutations(int count) {
      this.maxBatchMutations =
          LimitRules.between(count, "max batch mutations", 1, LimitRules.MAX_COUNT);
      return this;
    }

    /**
     * Page size, in mutations, of a pull that names no {@code limit}; positive and (checked in
     * {@link #build()}) at most {@link #maxPullLimit(int)}. Default 500.
     */
    public Builder defaultPullLimit(int count) {
      this.defaultPullLimit = LimitRules.positive(count, "default pull limit");
      return this;
    }

    /**
     * Largest page a pull gets, in mutations (a larger {@code limit} is lowered to it); 1 to
     * 100,000 and (checked in {@link #build()}) at least the default pull limit. Default 1,000.
     */
    public Builder maxPullLimit(int count) {
      this.maxPullLimit = LimitRules.between(count, "max pull limit", 1, LimitRules.MAX_COUNT);
      return this;
    }

    /**
     * Longest a long-poll is held (a larger {@code wait_ms} is lowered to it); 0 to 1 hour.
     * Default 30 s.
     */
    public Builder maxWait(Duration wait) {
      this.maxWait = LimitRules.upToAnHour(wait, "maxWait", "max wait", Duration.ZERO);
      return this;
    }

    /**
     * Most long-polls parked at once over all tenants; not negative (0 turns long-polling off).
     * Default 5,000.
     */
    public Builder maxWaiters(int count) {
      this.maxWaiters = LimitRules.notNegative(count, "max waiters");
      return this;
    }

    /** Most long-polls one tenant may have parked at once; not negative. Default 1,000. */
    public Builder maxWaitersPerTenant(int count) {
      this.maxWaitersPerTenant = LimitRules.notNegative(count, "max waiters per tenant");
      return this;
    }

    /** How long a connection may be silent before it is closed; 100 ms to 1 hour. Default 30 s. */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout =
          LimitRules.upToAnHour(timeout, "idleTimeout", "idle timeout", Duration.ofMillis(100));
      return this;
    }

    /**
     * Slowest a request body may arrive, in bytes per second; not negative (0 = no minimum).
     * Default 1,024.
     */
    public Builder minRequestDataRate(long bytesPerSecond) {
      this.minRequestDataRate = LimitRules.notNegative(bytesPerSecond, "min request data rate");
      return this;
    }

    /**
     * Slowest a client may accept its response, in bytes per second; not negative (0 = no minimum).
     * Default 1,024.
     */
    public Builder minResponseDataRate(long bytesPerSecond) {
      this.minResponseDataRate = LimitRules.notNegative(bytesPerSecond, "min response data rate");
      return this;
    }

    /** Most connections open at once; positive. Default 10,000. */
    public Builder maxConnections(int count) {
      this.maxConnections = LimitRules.positive(count, "max connections");
      return this;
    }

    /** Longest a request's headers may take to arrive; 100 ms to 1 hour. Default 10 s. */
    public Builder headerTimeout(Duration timeout) {
      this.headerTimeout =
          LimitRules.upToAnHour(timeout, "headerTimeout", "header timeout", Duration.ofMillis(100));
      return this;
    }

    /**
     * How long {@code FerryServer.close()} lets requests in flight finish before closing them; 0 to
     * 1 hour. Default 5 s.
     */
    public Builder stopTimeout(Duration timeout) {
      this.stopTimeout =
          LimitRules.upToAnHour(timeout, "stopTimeout", "stop timeout", Duration.ZERO);
      return this;
    }

    /** Threads that run request handlers; 1 to 1,024. Default {@code max(4, 2 × cores)}. */
    public Builder workerThreads(int count) {
      this.workerThreads = LimitRules.between(count, "worker threads", 1, 1024);
      return this;
    }

    /** Requests that may queue for a worker thread; positive. Default 1,024. */
    public Builder queueCapacity(int count) {
      this.queueCapacity = LimitRules.positive(count, "queue capacity");
      return this;
    }

    /** Response size in bytes from which a response is gzipped; not negative. Default 8 KiB. */
    public Builder gzipResponseThreshold(int bytes) {
      this.gzipResponseThreshold = LimitRules.notNegative(bytes, "gzip response threshold");
      return this;
    }

    /**
     * Byte budget of one pull page (see {@link ServerLimits#maxPageBytes()}); at least 1,024.
     * Default 4 MiB.
     */
    public Builder maxPageBytes(int bytes) {
      this.maxPageBytes = LimitRules.atLeast(bytes, "max page bytes", 1024);
      return this;
    }

    /**
     * Builds the limits after checking the settings against each other.
     *
     * @throws IllegalArgumentException if the default pull limit exceeds the max pull limit
     */
    public ServerLimits build() {
      LimitRules.pullLimits(defaultPullLimit, maxPullLimit);
      return new ServerLimits(this);
    }
  }
}
