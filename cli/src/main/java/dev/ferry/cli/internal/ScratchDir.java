package dev.ferry.cli.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The temporary directory of {@code demo} or {@code bench}, removed when the command ends however
 * it ends: when closed, and also when the JVM is stopped (Ctrl-C, SIGTERM), where {@code finally}
 * blocks alone would never run. On a stop, a shutdown hook interrupts the command's thread and
 * waits up to {@link #CLEANUP_WAIT} for it to unwind (stopping its replicas and server, then
 * closing this, which deletes the files), then deletes whatever is left itself.
 */
final class ScratchDir implements AutoCloseable {

  static final Duration CLEANUP_WAIT = Duration.ofSeconds(10);

  private final Path path;
  private final boolean keep;
  private final Thread owner;
  private final Thread hook;
  private final CountDownLatch closed = new CountDownLatch(1);
  private volatile boolean stopping;

  private ScratchDir(Path path, boolean keep) {
    this.path = path;
    this.keep = keep;
    this.owner = Thread.currentThread();
    this.hook = new Thread(this::onShutdown, "ferry-cleanup");
  }

  /**
   * Creates the directory and registers the shutdown hook; the calling thread is the one the hook
   * interrupts.
   *
   * @param keep leave the files (e.g. {@code demo --keep}): the hook then only stops the command
   */
  static ScratchDir create(String prefix, boolean keep) {
    Path dir;
    try {
      dir = Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw CliFailure.failed("cannot create a temporary directory: " + e.getMessage());
    }
    ScratchDir scratch = new ScratchDir(dir, keep);
    Runtime.getRuntime().addShutdownHook(scratch.hook);
    return scratch;
  }

  Path path() {
    return path;
  }

  /** Whether the JVM is being stopped: a failure now is the stop's doing, not the command's. */
  boolean stopping() {
    return stopping;
  }

  /**
   * The failure of a command stopped by a signal.
   *
   * @param kept where the files were kept, or null when they are removed
   */
  static CliFailure stopped(@Nullable String kept) {
    return CliFailure.failed("stopped before it finished (Ctrl-C or SIGTERM); "
        + (kept == null ? "its temporary files are removed" : kept));
  }

  /** Deletes the directory (unless kept) and unregisters the hook. */
  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The hook runs now; it waits for this close.
    }
    try {
      if (!keep) {
        delete(path);
      }
    } finally {
      closed.countDown();
    }
  }

  /** Runs the hook's work; package-private so a test can run it without stopping its JVM. */
  void onShutdown() {
    stopping = true;
    owner.interrupt();
    try {
      if (closed.await(CLEANUP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!keep && Files.exists(path)) {
      try {
        delete(path);
      } catch (RuntimeException e) {
        System.err.println("ferry: could not remove " + path + ": " + e.getMessage());
      }
    }
  }

  /** Deletes {@code dir} and everything in it; a file that cannot be deleted is reported. */
  static void delete(Path dir) {
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(dir)) {
      paths = walk.sorted(Comparator.reverseOrder()).toList();
    } catch (NoSuchFileException gone) {
      return;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
    for (Path p : paths) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot delete " + p, e);
      }
    }
  }
}
