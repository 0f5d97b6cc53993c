package dev.ferry.server;

import java.time.Duration;
import java.util.Objects;

/**
 * How much a request may ask of the server, and how much work the server takes on at once.
 * Immutable and thread-safe; make one with {@link #builder()} or derive one with {@link
 * #toBuilder()}.
 */
public final class ServerLimits {

  /** Upper bound of the batch and page caps: one request's rows must fit comfortably in memory. */
  private static final int MAX_COUNT = 100_000;

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
    return "ServerLimits[maxBodyBytes="
        + maxBodyBytes
        + ", maxBatchMutations="
        + maxBatchMutations
        + ", defaultPullLimit="
        + defaultPullLimit
        + ", maxPullLimit="
        + maxPullLimit
        + ", maxWait="
        + maxWait
        + ", maxWaiters="
        + maxWaiters
        + ", workerThreads="
        + workerThreads
        + ", queueCapacity="
        + queueCapacity
        + ", gzipResponseThreshold="
        + gzipResponseThreshold
        + ", maxPageBytes="
        + maxPageBytes
        + ", maxWaitersPerTenant="
        + maxWaitersPerTenant
        + ", idleTimeout="
        + idleTimeout
        + ", minRequestDataRate="
        + minRequestDataRate
        + ", minResponseDataRate="
        + minResponseDataRate
        + ", maxConnections="
        + maxConnections
        + ", stopTimeout="
        + stopTimeout
        + ", headerTimeout="
        + headerTimeout
        + "]";
  }

  /** Builds {@link ServerLimits}; every setter checks its rule at once. Not thread-safe. */
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

    /**
     * Sets the largest request body in bytes, counted after gzip decompression. Default 8 MiB.
     *
     * @throws IllegalArgumentException unless at least 1,024 bytes
     */
    public Builder maxBodyBytes(int bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("max body bytes must be at least 1024, was " + bytes);
      }
      this.maxBodyBytes = bytes;
      return this;
    }

    /**
     * Sets the most mutations one push may carry. Default 1,000.
     *
     * @throws IllegalArgumentException unless between 1 and 100,000
     */
    public Builder maxBatchMutations(int count) {
      if (count < 1 || count > MAX_COUNT) {
        throw new IllegalArgumentException(
            "max batch mutations must be between 1 and " + MAX_COUNT + ", was " + count);
      }
      this.maxBatchMutations = count;
      return this;
    }

    /**
     * Sets the page size of a pull that names no {@code limit}. Default 500.
     *
     * @throws IllegalArgumentException unless positive (checked against the max in build)
     */
    public Builder defaultPullLimit(int count) {
      if (count < 1) {
        throw new IllegalArgumentException("default pull limit must be positive, was " + count);
      }
      this.defaultPullLimit = count;
      return this;
    }

    /**
     * Sets the largest page a pull gets, in mutations; a larger {@code limit} is lowered to it.
     * Default 1,000.
     *
     * @throws IllegalArgumentException unless between 1 and 100,000 (checked against the default in
     *     build)
     */
    public Builder maxPullLimit(int count) {
      if (count < 1 || count > MAX_COUNT) {
        throw new IllegalArgumentException(
            "max pull limit must be between 1 and " + MAX_COUNT + ", was " + count);
      }
      this.maxPullLimit = count;
      return this;
    }

    /**
     * Sets the longest a long-poll is held; a larger {@code wait_ms} is lowered to it. Default 30
     * s.
     *
     * @throws IllegalArgumentException if negative or over one hour
     */
    public Builder maxWait(Duration wait) {
      Objects.requireNonNull(wait, "maxWait");
      if (wait.isNegative() || wait.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException("max wait must be between 0 and 1 hour, was " + wait);
      }
      this.maxWait = wait;
      return this;
    }

    /**
     * Sets the most long-polls parked at once over all tenants. Default 5,000.
     *
     * @throws IllegalArgumentException if negative (0 turns long-polling off)
     */
    public Builder maxWaiters(int count) {
      if (count < 0) {
        throw new IllegalArgumentException("max waiters must not be negative, was " + count);
      }
      this.maxWaiters = count;
      return this;
    }

    /**
     * Sets the most long-polls one tenant may have parked at once. Default 1,000.
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder maxWaitersPerTenant(int count) {
      if (count < 0) {
        throw new IllegalArgumentException(
            "max waiters per tenant must not be negative, was " + count);
      }
      this.maxWaitersPerTenant = count;
      return this;
    }

    /**
     * Sets how long a connection may be silent before it is closed. Default 30 s.
     *
     * @throws IllegalArgumentException unless between 100 ms and 1 hour
     */
    public Builder idleTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "idleTimeout");
      if (timeout.compareTo(Duration.ofMillis(100)) < 0
          || timeout.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException(
            "idle timeout must be between 100 ms and 1 hour, was " + timeout);
      }
      this.idleTimeout = timeout;
      return this;
    }

    /**
     * Sets the slowest a request body may arrive, in bytes per second. Default 1,024; 0 = none.
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder minRequestDataRate(long bytesPerSecond) {
      if (bytesPerSecond < 0) {
        throw new IllegalArgumentException(
            "min request data rate must not be negative, was " + bytesPerSecond);
      }
      this.minRequestDataRate = bytesPerSecond;
      return this;
    }

    /**
     * Sets the slowest a client may accept its response, in bytes per second. Default 1,024; 0 =
     * none.
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder minResponseDataRate(long bytesPerSecond) {
      if (bytesPerSecond < 0) {
        throw new IllegalArgumentException(
            "min response data rate must not be negative, was " + bytesPerSecond);
      }
      this.minResponseDataRate = bytesPerSecond;
      return this;
    }

    /**
     * Sets the most connections open at once. Default 10,000.
     *
     * @throws IllegalArgumentException unless positive
     */
    public Builder maxConnections(int count) {
      if (count < 1) {
        throw new IllegalArgumentException("max connections must be positive, was " + count);
      }
      this.maxConnections = count;
      return this;
    }

    /**
     * Sets the longest a request's headers may take to arrive. Default 10 s.
     *
     * @throws IllegalArgumentException unless between 100 ms and 1 hour
     */
    public Builder headerTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "headerTimeout");
      if (timeout.compareTo(Duration.ofMillis(100)) < 0
          || timeout.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException(
            "header timeout must be between 100 ms and 1 hour, was " + timeout);
      }
      this.headerTimeout = timeout;
      return this;
    }

    /**
     * Sets how long {@code FerryServer.close()} lets requests in flight finish. Default 5 s.
     *
     * @throws IllegalArgumentException if negative or over one hour
     */
    public Builder stopTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "stopTimeout");
      if (timeout.isNegative() || timeout.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException(
            "stop timeout must be between 0 and 1 hour, was " + timeout);
      }
      this.stopTimeout = timeout;
      return this;
    }

    /**
     * Sets the number of threads that run request handlers. Default {@code max(4, 2 × cores)}.
     *
     * @throws IllegalArgumentException unless between 1 and 1,024
     */
    public Builder workerThreads(int count) {
      if (count < 1 || count > 1024) {
        throw new IllegalArgumentException(
            "worker threads must be between 1 and 1024, was " + count);
      }
      this.workerThreads = count;
      return this;
    }

    /**
     * Sets how many requests may queue for a worker thread. Default 1,024.
     *
     * @throws IllegalArgumentException unless positive
     */
    public Builder queueCapacity(int count) {
      if (count < 1) {
        throw new IllegalArgumentException("queue capacity must be positive, was " + count);
      }
      this.queueCapacity = count;
      return this;
    }

    /**
     * Sets the response size in bytes from which responses are gzipped for clients that accept it.
     * Default 8 KiB.
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder gzipResponseThreshold(int bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException(
            "gzip response threshold must not be negative, was " + bytes);
      }
      this.gzipResponseThreshold = bytes;
      return this;
    }

    /**
     * Sets the byte budget of one pull page (see {@link ServerLimits#maxPageBytes()}). Default 4
     * MiB.
     *
     * @throws IllegalArgumentException unless at least 1,024 bytes
     */
    public Builder maxPageBytes(int bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("max page bytes must be at least 1024, was " + bytes);
      }
      this.maxPageBytes = bytes;
      return this;
    }

    /**
     * Builds the limits after checking the settings against each other.
     *
     * @throws IllegalArgumentException if the default pull limit exceeds the max pull limit
     */
    public ServerLimits build() {
      if (defaultPullLimit > maxPullLimit) {
        throw new IllegalArgumentException(
            "default pull limit "
                + defaultPullLimit
                + " must not exceed max pull limit "
                + maxPullLimit);
      }
      return new ServerLimits(this);
    }
  }
}
