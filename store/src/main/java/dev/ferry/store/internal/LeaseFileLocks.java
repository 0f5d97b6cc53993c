package dev.ferry.store.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OS file locks beside a database that tell whether a lease holder's process is alive: the
 * holder keeps an exclusive lock on {@code <db>.ferry-lease-<target>.lock} while it holds the
 * lease, and the kernel drops it when the process dies, {@code kill -9} included. A contender that
 * can take the lock knows the holder is gone. The lease row stays the source of truth for fencing;
 * the lock is only a liveness signal.
 *
 * <p>Java file locks belong to the whole JVM (a second lock on the same file in one JVM throws
 * {@link OverlappingFileLockException}, and closing any channel of the file may drop the JVM's lock
 * on it), so every lock of this JVM goes through this one registry: a lock another owner in this
 * JVM holds is simply busy, and a channel is opened only while no one in this JVM has the file
 * open. Lock files are never deleted: deleting one while another process has it open would let two
 * processes lock two different files of the same name. Thread-safe.
 */
public final class LeaseFileLocks {

  private static final Logger LOG = LoggerFactory.getLogger(LeaseFileLocks.class);

  private record Held(String owner, FileChannel channel, FileLock lock) {}

  private static final Map<Path, Held> HELD = new HashMap<>();

  private LeaseFileLocks() {}

  /** The lock file of {@code target} beside {@code database}: unsafe characters of the target hex-escaped. */
  public static Path pathFor(Path database, String target) {
    StringBuilder name = new StringBuilder(database.getFileName() + ".ferry-lease-");
    for (byte b : target.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xFF);
      if (c < 0x80 && (Character.isLetterOrDigit(c) || c == '-' || c == '_')) {
        name.append(c);
      } else {
        name.append('%').append(String.format("%02X", b & 0xFF));
      }
    }
    return database.resolveSibling(name.append(".lock").toString());
  }

  /**
   * Takes the lock for {@code owner}, or confirms it already has it.
   *
   * @return whether {@code owner} holds the lock now; false when another owner in this JVM or
   *     another process holds it, or the file cannot be locked at all (then only the lease's TTL
   *     tells a dead holder)
   */
  public static boolean hold(Path lockFile, String owner) {
    synchronized (HELD) {
      Held held = HELD.get(lockFile);
      if (held != null) {
        return held.owner.equals(owner);
      }
      FileChannel channel = null;
      try {
        channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock();
        if (lock == null) {
          channel.close();
          return false;
        }
        HELD.put(lockFile, new Held(owner, channel, lock));
        return true;
      } catch (IOException | OverlappingFileLockException | SecurityException e) {
        LOG.debug("cannot lock {}; a dead lease holder is noticed by its TTL only: {}", lockFile, e.toString());
        closeQuietly(channel);
        return false;
      }
    }
  }

  /** Whether {@code owner} holds the lock (in this JVM). */
  public static boolean holds(Path lockFile, String owner) {
    synchronized (HELD) {
      Held held = HELD.get(lockFile);
      return held != null && held.owner.equals(owner);
    }
  }

  /** Releases the lock if {@code owner} holds it. */
  public static void release(Path lockFile, String owner) {
    synchronized (HELD) {
      Held held = HELD.get(lockFile);
      if (held == null || !held.owner.equals(owner)) {
        return;
      }
      HELD.remove(lockFile);
      try {
        held.lock.release();
      } catch (IOException e) {
        LOG.debug("releasing {} failed; closing its channel drops it: {}", lockFile, e.toString());
      }
      closeQuietly(held.channel);
    }
  }

  private static void closeQuietly(@Nullable FileChannel channel) {
    if (channel == null) {
      return;
    }
    try {
      channel.close();
    } catch (IOException e) {
      LOG.debug("closing a lock file failed: {}", e.toString());
    }
  }
}
