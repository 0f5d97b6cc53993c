package dev.ferry.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.core.CycleResult;
import dev.ferry.core.FakeServer;
import dev.ferry.core.Rig;
import dev.ferry.store.TargetState;
import dev.ferry.transport.TransportException.Kind;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How often a success is written to the file: once a second when nothing but the time changed. */
class CycleOutcomesRecordTest {

  @TempDir Path dir;
  private Rig rig;

  @AfterEach
  void close() {
    if (rig != null) {
      rig.close();
    }
  }

  private TargetState file() {
    return rig.store.targets().state("cloud");
  }

  @Test
  void pushingCycles_inQuickSuccession_writeTheRowOnceASecond() {
    rig = Rig.open(dir);
    rig.writeAndNotify("notes", "a", "{}");
    rig.triggered();
    Long first = file().lastSyncAt();
    rig.scheduler.advance(Duration.ofMillis(300));
    rig.writeAndNotify("notes", "b", "{}");
    rig.triggered();
    assertEquals(first, file().lastSyncAt(), "a cycle that pushed (phase pushing) is still 'unchanged'");
    rig.scheduler.advance(Duration.ofMillis(800));
    rig.writeAndNotify("notes", "c", "{}");
    rig.triggered();
    assertEquals(first + 1_100, file().lastSyncAt(), "written again once a second has passed");
  }

  @Test
  void logReset_recoveredByThePushWhileThePullStillBacksOff_isKeptInTheErrorHistory() {
    rig = Rig.open(dir);
    rig.server.appendRemote("r2", "notes", "note", "x", "{}");
    rig.writeAndNotify("notes", "a", "{}");
    rig.triggered();
    rig.server.failNextPulls(FakeServer.failure(Kind.UNAVAILABLE));
    rig.writeAndNotify("notes", "b", "{}");
    rig.triggered();
    assertEquals(2, file().lastPulledSeq(), "b pushed (seq 3), its pull failed");
    rig.server.loseLog();
    rig.writeAndNotify("notes", "c", "{}");
    CycleResult r = rig.triggered();
    assertTrue(r.pullSkipped(), "the pull side still backs off");
    assertEquals(3, rig.server.latestSeq(), "the push recovered: every local mutation pushed again");
    assertTrue(rig.status().recentErrors().stream().anyMatch(e -> e.code().equals("log_reset")),
        () -> "the reset is in the history: " + rig.status().recentErrors());
  }

  @Test
  void success_afterAFailure_isWrittenAtOnce() {
    rig = Rig.open(dir);
    rig.writeAndNotify("notes", "a", "{}");
    rig.triggered();
    rig.server.failNextPushes(FakeServer.failure(Kind.UNAVAILABLE));
    rig.writeAndNotify("notes", "b", "{}");
    rig.triggered();
    assertEquals(1, file().consecutiveFailures());
    rig.scheduler.advance(Duration.ofMillis(1_000));
    rig.triggered();
    assertEquals(0, file().consecutiveFailures(), "the recovery is persisted");
    assertEquals("healthy", file().phase());
  }
}
