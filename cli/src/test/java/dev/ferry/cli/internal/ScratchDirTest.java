package dev.ferry.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The temporary directory of demo and bench, removed on close and when the JVM is stopped. */
class ScratchDirTest {

  @Test
  void close_deletesTheDirectoryWithItsFiles() throws Exception {
    Path path;
    try (ScratchDir scratch = ScratchDir.create("ferry-test-", false)) {
      path = scratch.path();
      Files.writeString(Files.createDirectory(path.resolve("sub")).resolve("a.db"), "x");
    }

    assertFalse(Files.exists(path));
  }

  @Test
  void close_kept_leavesTheFiles() throws Exception {
    Path path;
    try (ScratchDir scratch = ScratchDir.create("ferry-test-", true)) {
      path = scratch.path();
    }

    assertTrue(Files.exists(path));
    ScratchDir.delete(path);
  }

  /** What the shutdown hook does on Ctrl-C or SIGTERM, run here without stopping the test's JVM. */
  @Test
  void onShutdown_interruptsTheCommandAndWaitsForItsCleanup() throws Exception {
    AtomicReference<ScratchDir> created = new AtomicReference<>();
    AtomicReference<String> seen = new AtomicReference<>();
    CountDownLatch working = new CountDownLatch(1);
    Thread command = new Thread(() -> {
      try (ScratchDir scratch = ScratchDir.create("ferry-test-", false)) {
        created.set(scratch);
        Files.writeString(scratch.path().resolve("replica.db"), "x");
        working.countDown();
        new CountDownLatch(1).await(); // a command at work until interrupted
      } catch (InterruptedException e) {
        seen.set("interrupted, stopping=" + created.get().stopping());
      } catch (Exception e) {
        seen.set(e.toString());
      }
    });
    command.start();
    assertTrue(working.await(30, TimeUnit.SECONDS));
    Path path = created.get().path();

    created.get().onShutdown();

    assertFalse(Files.exists(path), "deleted before the hook returned");
    command.join(TimeUnit.SECONDS.toMillis(30));
    assertEquals("interrupted, stopping=true", seen.get());
  }
}
