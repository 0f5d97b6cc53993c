package dev.ferry.store;

import dev.ferry.store.internal.Checks;
import dev.ferry.store.internal.Db;
import dev.ferry.store.internal.LeaseDao;
import dev.ferry.store.internal.LeaseFileLocks;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-target lease that lets exactly one process at a time run the sync loop against a file.
 * Acquire and renew are one atomic statement ({@code INSERT … ON CONFLICT DO UPDATE … WHERE owner
 * = me OR expires_at <= now RETURNING …}), correct across processes. The {@code epoch} rises by one
 * exactly when the owner changes and is the fencing token every {@link FencedWriter} write checks.
 * Expiry is judged by the store's clock; processes sharing a file share the machine's clock.
 *
 * <p>The holder also holds an OS file lock beside the database ({@code
 * <db>.ferry-lease-<target>.lock}), which the kernel releases when its process dies: a contender
 * that can take that lock ({@link #holderGone}) takes the lease over at once instead of waiting
 * out the TTL, the epoch rising as usual. The row records whether its holder has the lock, so a
 * holder without it (an older Ferry, a file system without locks, a lock still held by a stalled
 * former holder) is never taken over early. The lease row stays the source of truth for fencing.
 * Thread-safe.
 */
public final class LeaseStore {

  private static final Duration MAX_TTL = Duration.ofDays(1);

  private static final Logger LOG = LoggerFactory.getLogger(LeaseStore.class);

  private final Db db;
  /** Lock files this store took, with their owners, released when the store closes. */
  private final Set<Map.Entry<Path, String>> locked = ConcurrentHashMap.newKeySet();

  LeaseStore(Db db) {
    this.db = db;
  }

  /**
   * A lease owner name unique to this call: {@code <hostname>/<pid>/<random>}, so status can say
   * which process holds the lease, and two managers in one process never share one.
   */
  public static String defaultOwner() {
    return hostname() + "/" + uniqueSuffix();
  }

  /**
   * {@code name} made unique to this call: {@code <name>/<pid>/<random>}. A fixed owner name given
   * to two processes would let both hold the lease at one epoch; with the suffix they never share
   * one, and status still shows the name.
   */
  public static String uniqueOwner(String name) {
    Checks.text(name, "name");
    return name + "/" + uniqueSuffix();
  }

  private static String uniqueSuffix() {
    byte[] random = new byte[4];
    new SecureRandom().nextBytes(random);
    return ProcessHandle.current().pid() + "/" + HexFormat.of().formatHex(random);
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
    Path lockFile = lockFile(target);
    boolean lockHeld = lockFile != null && LeaseFileLocks.hold(lockFile, owner);
    if (lockHeld) {
      locked.add(Map.entry(lockFile, owner));
    }
    String[] tookFrom = new String[1];
    LeaseInfo info = db.write("acquiring the lease of target " + target, tx -> {
      LeaseDao dao = tx.handle().attach(LeaseDao.class);
      long now = tx.now();
      String deadOwner = "";
      long deadEpoch = -1;
      Optional<LeaseDao.Row> before = lockHeld ? dao.current(target) : Optional.empty();
      if (before.isPresent() && !before.get().owner().equals(owner) && before.get().expiresAt() > now
          && before.get().lockHeld()) {
        // Its holder had the file lock, and this process could take it: the holder's process is gone.
        deadOwner = before.get().owner();
        deadEpoch = before.get().epoch();
      }
      Optional<LeaseDao.Row> mine = dao.acquire(target, owner, now + ttl.toMillis(), now, lockHeld, deadOwner,
          deadEpoch);
      if (mine.isPresent() && !deadOwner.isEmpty()) {
        tookFrom[0] = deadOwner;
      }
      LeaseDao.Row row = mine.orElseGet(() -> dao.current(target)
          .orElseThrow(() -> new IllegalStateException("lease row of " + target + " vanished")));
      return row.at(now);
    });
    if (lockHeld && !info.isHeldBy(owner)) {
      releaseLock(lockFile, owner);
    }
    if (tookFrom[0] != null) {
      LOG.info("took over the lease of target {} from {} at once: its process is gone (the lease's file lock was"
          + " free); epoch {}", target, tookFrom[0], info.epoch());
    }
    return info;
  }

  /**
   * Whether the process holding the target's lease is gone, told by the lease's file lock: when
   * {@code owner} can take the lock, it keeps it and its next {@link #acquire} takes the lease over
   * at once if the holder had the lock (otherwise that acquire gives the lock back). Touches no
   * database, so a waiting manager can ask often. False when {@code owner} already held the lock,
   * and when the file cannot be locked.
   */
  public boolean holderGone(String target, String owner) {
    Checks.text(target, "target");
    Checks.text(owner, "owner");
    Path lockFile = lockFile(target);
    if (lockFile == null || LeaseFileLocks.holds(lockFile, owner)) {
      return false;
    }
    if (!LeaseFileLocks.hold(lockFile, owner)) {
      return false;
    }
    locked.add(Map.entry(lockFile, owner));
    return true;
  }

  /** Releases the file locks this store took; when the store closes. */
  void releaseLocks() {
    for (Map.Entry<Path, String> e : locked) {
      releaseLock(e.getKey(), e.getValue());
    }
  }

  private void releaseLock(Path lockFile, String owner) {
    LeaseFileLocks.release(lockFile, owner);
    locked.remove(Map.entry(lockFile, owner));
  }

  private @Nullable Path lockFile(String target) {
    Path file = db.file();
    return file == null ? null : LeaseFileLocks.pathFor(file, target);
  }

  /**
   * Gives the lease up now if it is still held under {@code fence} (sets {@code expires_at} to
   * now). The row stays, so the next owner gets a higher epoch.
   *
   * @return whether it was still held and is now released
   */
  public boolean release(Fence fence) {
    Objects.requireNonNull(fence, "fence must not be null");
    try {
      return db.write("releasing the lease of target " + fence.target(), tx ->
          tx.handle().attach(LeaseDao.class).release(fence.target(), fence.owner(), fence.epoch(), tx.now()) == 1);
    } finally {
      // After the row: a contender that takes the lock must find the lease released or the holder gone.
      Path lockFile = lockFile(fence.target());
      if (lockFile != null) {
        releaseLock(lockFile, fence.owner());
      }
    }
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
