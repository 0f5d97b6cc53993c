package dev.ferry.store;

import dev.ferry.store.internal.Checks;
import dev.ferry.store.internal.Db;
import dev.ferry.store.internal.LeaseDao;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * The per-target lease that lets exactly one process at a time run the sync loop against a file.
 * Acquire and renew are one atomic statement ({@code INSERT … ON CONFLICT DO UPDATE … WHERE owner
 * = me OR expires_at <= now RETURNING …}), correct across processes. The {@code epoch} rises by one
 * exactly when the owner changes and is the fencing token every {@link FencedWriter} write checks.
 * Expiry is judged by the store's clock; processes sharing a file share the machine's clock.
 * Thread-safe.
 */
public final class LeaseStore {

  private static final Duration MAX_TTL = Duration.ofDays(1);

  private final Db db;

  LeaseStore(Db db) {
    this.db = db;
  }

  /**
   * A lease owner name unique to this call: {@code <hostname>/<pid>/<random>}, so status can say
   * which process holds the lease, and two managers in one process never share one.
   */
  public static String defaultOwner() {
    byte[] random = new byte[4];
    new SecureRandom().nextBytes(random);
    return hostname() + "/" + ProcessHandle.current().pid() + "/" + HexFormat.of().formatHex(random);
  }

  private static String hostname() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env.trim();
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      // The runtime name is "pid@host" on HotSpot; good enough when name lookup fails.
      String runtime = ManagementFactory.getRuntimeMXBean().getName();
      int at = runtime.indexOf('@');
      return at >= 0 ? runtime.substring(at + 1) : "localhost";
    }
  }

  /**
   * Takes the lease if it is free or expired, or renews it if {@code owner} already holds it, for
   * {@code ttl} from now, in one statement.
   *
   * @param ttl how long the lease lasts without renewal, from 1 ms to 1 day
   * @return the lease as it now stands: {@code owner}'s when {@link LeaseInfo#isHeldBy} says so,
   *     otherwise the current holder's
   * @throws StoreBusyException when the write lock stayed busy
   */
  public LeaseInfo acquire(String target, String owner, Duration ttl) {
    Checks.text(target, "target");
    Checks.text(owner, "owner");
    Objects.requireNonNull(ttl, "ttl must not be null");
    if (ttl.toMillis() < 1 || ttl.compareTo(MAX_TTL) > 0) {
      throw new IllegalArgumentException("ttl must be between 1 ms and 1 day but was " + ttl);
    }
    return db.write("acquiring the lease of target " + target, tx -> {
      LeaseDao dao = tx.handle().attach(LeaseDao.class);
      long now = tx.now();
      Optional<LeaseDao.Row> mine = dao.acquire(target, owner, now + ttl.toMillis(), now);
      LeaseDao.Row row = mine.orElseGet(() -> dao.current(target)
          .orElseThrow(() -> new IllegalStateException("lease row of " + target + " vanished")));
      return row.at(now);
    });
  }

  /**
   * Gives the lease up now if it is still held under {@code fence} (sets {@code expires_at} to
   * now). The row stays, so the next owner gets a higher epoch.
   *
   * @return whether it was still held and is now released
   */
  public boolean release(Fence fence) {
    Objects.requireNonNull(fence, "fence must not be null");
    return db.write("releasing the lease of target " + fence.target(), tx ->
        tx.handle().attach(LeaseDao.class).release(fence.target(), fence.owner(), fence.epoch(), tx.now()) == 1);
  }

  /**
   * Moves the epoch of the lease held under {@code fence} past {@code seenEpoch} in one fenced
   * statement: the server has seen {@code seenEpoch} for this replica (a {@code 409 stale_lease}
   * after an older copy of the file was restored), and a push under a lower epoch would be refused
   * for good. The owner and expiry stay; writers of the old fence are fenced out.
   *
   * @param seenEpoch the server's {@code seen_epoch}, not negative
   * @return the lease with epoch {@code seenEpoch + 1}; empty when the fence is stale (lost lease)
   *     or its epoch is already above {@code seenEpoch}
   * @throws IllegalArgumentException when {@code seenEpoch} is negative or {@code Long.MAX_VALUE}
   */
  public Optional<LeaseInfo> raiseEpoch(Fence fence, long seenEpoch) {
    Objects.requireNonNull(fence, "fence must not be null");
    Checks.notNegative(seenEpoch, "seenEpoch");
    if (seenEpoch == Long.MAX_VALUE) {
      throw new IllegalArgumentException("seenEpoch must be below Long.MAX_VALUE");
    }
    return db.write("raising the lease epoch of target " + fence.target(), tx -> {
      long now = tx.now();
      return tx.handle().attach(LeaseDao.class)
          .raiseEpoch(fence.target(), fence.owner(), fence.epoch(), seenEpoch, now)
          .map(r -> r.at(now));
    });
  }

  /** The target's lease as it stands now, empty when no process ever took it. */
  public Optional<LeaseInfo> current(String target) {
    Checks.text(target, "target");
    return db.read("reading the lease of target " + target, tx ->
        tx.handle().attach(LeaseDao.class).current(target).map(r -> r.at(tx.now())));
  }
}
