package dev.ferry.store;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Immutable settings of a {@link SyncStore}. Build with {@link #builder()}, derive variants with
 * {@link #toBuilder()}. Every setter validates its argument and says the rule when it refuses.
 *
 * <p>Thread-safe (immutable).
 */
public final class StoreConfig {

  /** Payloads up to this many UTF-8 bytes are accepted unless configured otherwise (1 MiB). */
  public static final int DEFAULT_MAX_PAYLOAD_BYTES = 1 << 20;

  /** SQLite's own ceiling for a string value (its default {@code SQLITE_MAX_LENGTH}). */
  public static final int MAX_PAYLOAD_BYTES_LIMIT = 1_000_000_000;

  private static final StoreConfig DEFAULTS = new Builder().build();

  private final Clock clock;
  private final RandomGenerator random;
  private final int maxPayloadBytes;
  private final Duration busyTimeout;
  private final int lockRetries;
  private final Duration retention;

  private StoreConfig(Builder b) {
    this.clock = b.clock;
    this.random = b.random;
    this.maxPayloadBytes = b.maxPayloadBytes;
    this.busyTimeout = b.busyTimeout;
    this.lockRetries = b.lockRetries;
    this.retention = b.retention;
  }

  /** The defaults: system UTC clock, 1 MiB payloads, 5 s busy timeout, 3 lock retries, 7 days retention. */
  public static StoreConfig defaults() {
    return DEFAULTS;
  }

  /** A builder holding the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this configuration's values. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** The source of "now" for {@code created_at}, lease expiry, pruning and status times. */
  public Clock clock() {
    return clock;
  }

  /** Randomness for the replica id made on first open. */
  public RandomGenerator random() {
    return random;
  }

  /** The largest accepted mutation payload, in UTF-8 bytes. */
  public int maxPayloadBytes() {
    return maxPayloadBytes;
  }

  /**
   * How long SQLite waits for a lock held by another connection before reporting busy, on the
   * host connections the store opens and the store's reader.
   *
   * <p>The store's writer (lease, acks, pages, cycle records: the sync side) waits just as long in
   * all, {@code busyTimeout × (lockRetries + 1)}, but in slices of 250 ms (longer only if the
   * bound needs more than 101 of them), checking the thread's interrupt flag between slices: SQLite's
   * own wait ignores interrupts, so a sync thread being stopped gives up within one slice with
   * {@link StoreException.Kind#INTERRUPTED} instead of blocking for the whole bound (20 s with the
   * defaults).
   */
  public Duration busyTimeout() {
    return busyTimeout;
  }

  /**
   * How many more times the store tries a lock that stayed busy through a whole {@link
   * #busyTimeout()} before it throws {@link StoreBusyException} (the writer's total; see {@link
   * #busyTimeout()}).
   */
  public int lockRetries() {
    return lockRetries;
  }

  /**
   * How long acked mutations are kept after they were recorded before the sync loop prunes them
   * ({@link Outbox#pruneStep}): for inspection, and so that they can be pushed again should the
   * server's log lose them (a restored server). Default 7 days.
   */
  public Duration retention() {
    return retention;
  }

  /** Mutable builder of {@link StoreConfig}; not thread-safe. */
  public static final class Builder {
    private Clock clock = Clock.systemUTC();
    private RandomGenerator random = new SecureRandom();
    private int maxPayloadBytes = DEFAULT_MAX_PAYLOAD_BYTES;
    private Duration busyTimeout = Duration.ofSeconds(5);
    private int lockRetries = 3;
    private Duration retention = Duration.ofDays(7);

    private Builder() {}

    private Builder(StoreConfig c) {
      this.clock = c.clock;
      this.random = c.random;
      this.maxPayloadBytes = c.maxPayloadBytes;
      this.busyTimeout = c.busyTimeout;
      this.lockRetries = c.lockRetries;
      this.retention = c.retention;
    }

    /** The clock; tests pass a fake one. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock must not be null");
      return this;
    }

    /** The random source for the replica id. */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random must not be null");
      return this;
    }

    /** @param bytes the largest payload in UTF-8 bytes, from 1 to {@value #MAX_PAYLOAD_BYTES_LIMIT} */
    public Builder maxPayloadBytes(int bytes) {
      if (bytes < 1 || bytes > MAX_PAYLOAD_BYTES_LIMIT) {
        throw new IllegalArgumentException(
            "maxPayloadBytes must be between 1 and " + MAX_PAYLOAD_BYTES_LIMIT + " but was " + bytes);
      }
      this.maxPayloadBytes = bytes;
      return this;
    }

    /** @param timeout SQLite's busy wait, at least 1 s and at most 10 min */
    public Builder busyTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "busyTimeout must not be null");
      if (timeout.compareTo(Duration.ofSeconds(1)) < 0 || timeout.compareTo(Duration.ofMinutes(10)) > 0) {
        throw new IllegalArgumentException(
            "busyTimeout must be at least 1 s and at most 10 min but was " + timeout);
      }
      this.busyTimeout = timeout;
      return this;
    }

    /** @param retries extra attempts after a busy timeout, from 0 to 100 */
    public Builder lockRetries(int retries) {
      if (retries < 0 || retries > 100) {
        throw new IllegalArgumentException("lockRetries must be between 0 and 100 but was " + retries);
      }
      this.lockRetries = retries;
      return this;
    }

    /** @param retention how long acked rows are kept; zero or more */
    public Builder retention(Duration retention) {
      Objects.requireNonNull(retention, "retention must not be null");
      if (retention.isNegative()) {
        throw new IllegalArgumentException("retention must not be negative but was " + retention);
      }
      this.retention = retention;
      return this;
    }

    /** The configuration; every value was validated when set. */
    public StoreConfig build() {
      return new StoreConfig(this);
    }
  }
}
