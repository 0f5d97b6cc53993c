package dev.ferry.core;

import static dev.ferry.core.ConfigRules.ONE_DAY;
import static dev.ferry.core.ConfigRules.between;

import dev.ferry.store.MutationDraft;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Immutable settings of a {@link SyncManager}. Build with {@link #builder()}, derive variants with
 * {@link #toBuilder()}. Every setter validates its argument and states the rule when it refuses
 * one; {@link Builder#build()} checks the settings that depend on each other.
 *
 * <table>
 *   <caption>Defaults</caption>
 *   <tr><th>setting</th><th>default</th><th>rule</th></tr>
 *   <tr><td>{@code target}</td><td>{@code cloud}</td><td>not blank</td></tr>
 *   <tr><td>{@code owner}</td><td>{@code <host>/<pid>/<random>}, new for each manager</td><td>not blank, at most 200 chars</td></tr>
 *   <tr><td>{@code leaseTtl}</td><td>60 s, renewed every TTL/3</td><td>100 ms to 1 day</td></tr>
 *   <tr><td>{@code minPushInterval}</td><td>0 (off)</td><td>0 to 10 min</td></tr>
 *   <tr><td>{@code pollInterval}</td><td>30 s</td><td>10 ms to 1 day</td></tr>
 *   <tr><td>{@code pushBatchSize}</td><td>500</td><td>1 to 10,000</td></tr>
 *   <tr><td>{@code pullPageSize}</td><td>1,000</td><td>1 to 10,000</td></tr>
 *   <tr><td>{@code longPollWait}</td><td>25 s</td><td>0 (off) to 5 min</td></tr>
 *   <tr><td>{@code backoff(base, max)}</td><td>1 s to 5 min</td><td>base above 0, max from base to 1 day</td></tr>
 *   <tr><td>{@code backoffJitter}</td><td>0.25 (±25 %)</td><td>0 to below 1</td></tr>
 *   <tr><td>{@code maxConsecutiveFailures}</td><td>10</td><td>1 to 1,000,000</td></tr>
 *   <tr><td>{@code pull}</td><td>on</td><td>off = push only</td></tr>
 *   <tr><td>{@code changeCheckInterval}</td><td>250 ms</td><td>0 (off) or 10 ms to 1 min</td></tr>
 *   <tr><td>{@code pauseWaitTimeout}</td><td>30 s</td><td>0 to 10 min</td></tr>
 *   <tr><td>{@code stopTimeout}</td><td>2 s</td><td>0 to 1 min</td></tr>
 *   <tr><td>{@code random}</td><td>thread-local randomness</td><td>a manager uses it under its cycle lock; share one only if it is thread-safe</td></tr>
 * </table>
 *
 * <p>The wall clock (lease expiry, {@code backoff_until}, {@code last_sync_at}) is the store's
 * ({@link dev.ferry.store.StoreConfig#clock()}), so lease and loop never disagree about "now".
 *
 * <p>Thread-safe (immutable).
 */
public final class SyncConfig {

  private static final SyncConfig DEFAULTS = new Builder().build();

  private final String target;
  private final @Nullable String owner;
  private final Duration leaseTtl;
  private final Duration minPushInterval;
  private final Duration pollInterval;
  private final int pushBatchSize;
  private final int pullPageSize;
  private final Duration longPollWait;
  private final Duration backoffBase;
  private final Duration backoffMax;
  private final double backoffJitter;
  private final int maxConsecutiveFailures;
  private final boolean pull;
  private final Duration changeCheckInterval;
  private final Duration pauseWaitTimeout;
  private final Duration stopTimeout;
  private final RandomGenerator random;

  private SyncConfig(Builder b) {
    this.target = b.target;
    this.owner = b.owner;
    this.leaseTtl = b.leaseTtl;
    this.minPushInterval = b.minPushInterval;
    this.pollInterval = b.pollInterval;
    this.pushBatchSize = b.pushBatchSize;
    this.pullPageSize = b.pullPageSize;
    this.longPollWait = b.longPollWait;
    this.backoffBase = b.backoffBase;
    this.backoffMax = b.backoffMax;
    this.backoffJitter = b.backoffJitter;
    this.maxConsecutiveFailures = b.maxConsecutiveFailures;
    this.pull = b.pull;
    this.changeCheckInterval = b.changeCheckInterval;
    this.pauseWaitTimeout = b.pauseWaitTimeout;
    this.stopTimeout = b.stopTimeout;
    this.random = b.random;
  }

  /** The defaults (see the table above). */
  public static SyncConfig defaults() {
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

  /** The sync target, i.e. which server's cursor, lease and outbox rows. */
  public String target() {
    return target;
  }

  /**
   * The lease owner name, if set; when empty each manager makes its own with {@link
   * dev.ferry.store.LeaseStore#defaultOwner()}, so two managers never share one by accident. A name
   * set here is made unique the same way ({@link dev.ferry.store.LeaseStore#uniqueOwner}: {@code
   * <name>/<pid>/<random>}), since two processes holding the lease under one name would both pass
   * its fence.
   */
  public Optional<String> owner() {
    return Optional.ofNullable(owner);
  }

  /** How long the lease lasts without renewal; it is renewed every third of it. */
  public Duration leaseTtl() {
    return leaseTtl;
  }

  /** The lease renewal (and, for a non-holder, take-over attempt) interval: a third of the TTL. */
  public Duration leaseRenewInterval() {
    return leaseTtl.dividedBy(3);
  }

  /**
   * The shortest time from the start of one cycle to the start of a cycle for local writes; zero
   * (the default) means a push starts as soon as there is something to push and none is in flight.
   *
   * <p>Batching needs no waiting: at most one push per target is in flight, and what is written
   * meanwhile leaves together in the next one, so batches grow with the load. A longer interval
   * makes fewer, larger requests under a steady stream of writes (for a metered or high-overhead
   * link) and costs exactly that: a write can wait up to this long before it is pushed. An idle
   * manager still pushes the first write at once when the last cycle began longer ago than this.
   * Explicit cycles ({@code syncNow}), polls, retries and long-poll follow-ups are not held back.
   */
  public Duration minPushInterval() {
    return minPushInterval;
  }

  /** The safety-net interval between cycles when nothing else triggers one. */
  public Duration pollInterval() {
    return pollInterval;
  }

  /** Mutations per push request. */
  public int pushBatchSize() {
    return pushBatchSize;
  }

  /** Mutations per pull page. */
  public int pullPageSize() {
    return pullPageSize;
  }

  /** How long the server may hold a long-poll pull; zero turns long-polling off. */
  public Duration longPollWait() {
    return longPollWait;
  }

  /** Whether a long-poll pull is kept outstanding while the manager runs. */
  public boolean longPoll() {
    return pull && !longPollWait.isZero();
  }

  /** The first backoff delay after a failure. */
  public Duration backoffBase() {
    return backoffBase;
  }

  /** The longest backoff delay (before jitter). */
  public Duration backoffMax() {
    return backoffMax;
  }

  /** The jitter as a fraction: each delay is scaled by a random factor in {@code [1-j, 1+j)}. */
  public double backoffJitter() {
    return backoffJitter;
  }

  /**
   * The failure count at which the phase reads {@code backoff} and every retry waits the maximum
   * delay; retries never stop.
   */
  public int maxConsecutiveFailures() {
    return maxConsecutiveFailures;
  }

  /**
   * Whether cycles pull. Off means push only: the cursor never moves, for a target whose host
   * applier is not available in this process.
   */
  public boolean pull() {
    return pull;
  }

  /** How often the file is checked for other processes' writes; zero turns the check off. */
  public Duration changeCheckInterval() {
    return changeCheckInterval;
  }

  /** How long {@link SyncManager#pause} and {@link SyncManager#stopForUpgrade} wait for a cycle in flight. */
  public Duration pauseWaitTimeout() {
    return pauseWaitTimeout;
  }

  /** How long {@link SyncManager#stop()} waits for the sync threads before it returns anyway. */
  public Duration stopTimeout() {
    return stopTimeout;
  }

  /**
   * Randomness for backoff jitter. A manager uses it from one thread at a time (under its cycle
   * lock); a generator shared by several managers must be thread-safe (the default is).
   */
  public RandomGenerator random() {
    return random;
  }

  @Override
  public String toString() {
    return "SyncConfig{target=" + target + ", owner=" + owner + ", leaseTtl=" + leaseTtl + ", minPushInterval="
        + minPushInterval + ", pollInterval=" + pollInterval + ", pushBatchSize="
        + pushBatchSize + ", pullPageSize=" + pullPageSize + ", longPollWait=" + longPollWait + ", backoff="
        + backoffBase + ".." + backoffMax + " ±" + backoffJitter + ", maxConsecutiveFailures="
        + maxConsecutiveFailures + ", pull=" + pull + ", changeCheckInterval=" + changeCheckInterval + "}";
  }

  /** Mutable builder of {@link SyncConfig}; not thread-safe. */
  public static final class Builder {
    private String target = MutationDraft.DEFAULT_TARGET;
    private @Nullable String owner;
    private Duration leaseTtl = Duration.ofSeconds(60);
    private Duration minPushInterval = Duration.ZERO;
    private Duration pollInterval = Duration.ofSeconds(30);
    private int pushBatchSize = 500;
    private int pullPageSize = 1_000;
    private Duration longPollWait = Duration.ofSeconds(25);
    private Duration backoffBase = Duration.ofSeconds(1);
    private Duration backoffMax = Duration.ofMinutes(5);
    private double backoffJitter = 0.25;
    private int maxConsecutiveFailures = 10;
    private boolean pull = true;
    private Duration changeCheckInterval = Duration.ofMillis(250);
    private Duration pauseWaitTimeout = Duration.ofSeconds(30);
    private Duration stopTimeout = Duration.ofSeconds(2);
    private RandomGenerator random = ConfigRules.THREAD_LOCAL_RANDOM;

    private Builder() {}

    private Builder(SyncConfig c) {
      this.target = c.target;
      this.owner = c.owner;
      this.leaseTtl = c.leaseTtl;
      this.minPushInterval = c.minPushInterval;
      this.pollInterval = c.pollInterval;
      this.pushBatchSize = c.pushBatchSize;
      this.pullPageSize = c.pullPageSize;
      this.longPollWait = c.longPollWait;
      this.backoffBase = c.backoffBase;
      this.backoffMax = c.backoffMax;
      this.backoffJitter = c.backoffJitter;
      this.maxConsecutiveFailures = c.maxConsecutiveFailures;
      this.pull = c.pull;
      this.changeCheckInterval = c.changeCheckInterval;
      this.pauseWaitTimeout = c.pauseWaitTimeout;
      this.stopTimeout = c.stopTimeout;
      this.random = c.random;
    }

    /** @param target the sync target, not blank */
    public Builder target(String target) {
      Objects.requireNonNull(target, "target must not be null");
      if (target.isBlank()) {
        throw new IllegalArgumentException("target must not be blank");
      }
      this.target = target;
      return this;
    }

    /** @param owner the lease owner name shown in status, not blank, at most 200 chars */
    public Builder owner(String owner) {
      Objects.requireNonNull(owner, "owner must not be null");
      if (owner.isBlank() || owner.length() > 200) {
        throw new IllegalArgumentException("owner must be non-blank and at most 200 chars but was '" + owner + "'");
      }
      this.owner = owner;
      return this;
    }

    /** @param ttl the lease time-to-live, from 100 ms to 1 day */
    public Builder leaseTtl(Duration ttl) {
      this.leaseTtl = between(ttl, "leaseTtl", Duration.ofMillis(100), ONE_DAY);
      return this;
    }

    /**
     * @param interval the shortest time between the starts of two cycles when the later one is for
     *     local writes, from 0 (off: push as soon as none is in flight) to 10 min; see {@link
     *     SyncConfig#minPushInterval()} for what it costs
     */
    public Builder minPushInterval(Duration interval) {
      this.minPushInterval = between(interval, "minPushInterval", Duration.ZERO, Duration.ofMinutes(10));
      return this;
    }

    /** @param interval the safety-net poll interval, from 10 ms to 1 day */
    public Builder pollInterval(Duration interval) {
      this.pollInterval = between(interval, "pollInterval", Duration.ofMillis(10), ONE_DAY);
      return this;
    }

    /** @param size mutations per push, from 1 to 10,000 (the reference server takes 1,000) */
    public Builder pushBatchSize(int size) {
      this.pushBatchSize = between(size, "pushBatchSize", 1, 10_000);
      return this;
    }

    /** @param size mutations per pull page, from 1 to 10,000 */
    public Builder pullPageSize(int size) {
      this.pullPageSize = between(size, "pullPageSize", 1, 10_000);
      return this;
    }

    /** @param wait the long-poll wait, from 0 (off) to 5 min */
    public Builder longPollWait(Duration wait) {
      this.longPollWait = between(wait, "longPollWait", Duration.ZERO, Duration.ofMinutes(5));
      return this;
    }

    /**
     * @param base the first delay, above 0
     * @param max the longest delay before jitter, from {@code base} to 1 day
     */
    public Builder backoff(Duration base, Duration max) {
      Duration b = between(base, "backoff base", Duration.ofMillis(1), ONE_DAY);
      this.backoffMax = ConfigRules.notBelow(between(max, "backoff max", Duration.ofMillis(1), ONE_DAY), b,
          "backoff max must not be below the base");
      this.backoffBase = b;
      return this;
    }

    /** @param jitter the jitter fraction, from 0 to below 1 (0.25 means ±25 %) */
    public Builder backoffJitter(double jitter) {
      this.backoffJitter = ConfigRules.fraction(jitter, "backoffJitter");
      return this;
    }

    /** @param failures the failure count at which retries wait the maximum, from 1 to 1,000,000 */
    public Builder maxConsecutiveFailures(int failures) {
      this.maxConsecutiveFailures = between(failures, "maxConsecutiveFailures", 1, 1_000_000);
      return this;
    }

    /** @param pull false to push only (never move the cursor) */
    public Builder pull(boolean pull) {
      this.pull = pull;
      return this;
    }

    /** @param interval the cross-process change check, 0 (off) or from 10 ms to 1 min */
    public Builder changeCheckInterval(Duration interval) {
      this.changeCheckInterval =
          ConfigRules.zeroOrBetween(interval, "changeCheckInterval", Duration.ofMillis(10), Duration.ofMinutes(1));
      return this;
    }

    /** @param timeout how long a pause waits for a cycle in flight, from 0 to 10 min */
    public Builder pauseWaitTimeout(Duration timeout) {
      this.pauseWaitTimeout = between(timeout, "pauseWaitTimeout", Duration.ZERO, Duration.ofMinutes(10));
      return this;
    }

    /** @param timeout how long {@code stop()} waits for the sync threads, from 0 to 1 min */
    public Builder stopTimeout(Duration timeout) {
      this.stopTimeout = between(timeout, "stopTimeout", Duration.ZERO, Duration.ofMinutes(1));
      return this;
    }

    /** @param random the jitter source; tests pass a seeded one (give each manager its own unless thread-safe) */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random must not be null");
      return this;
    }

    /** The configuration. */
    public SyncConfig build() {
      return new SyncConfig(this);
    }
  }
}
