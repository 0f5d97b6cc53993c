package dev.ferry.store;

import static dev.ferry.store.Fixtures.TARGET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILLs a JVM while it applies pages and shows that afterwards the cursor and the documents
 * agree exactly: every mutation up to the cursor is applied, nothing above it is.
 */
class KillDuringApplyTest {

  @TempDir Path dir;

  @Test
  void killedInsideTheApplierOfAPage_nothingOfThatPageRemains() throws Exception {
    Path db = dir.resolve("victim.db");
    SyncStore.open(db).close();
    Process victim = Jvm.start(ApplyWorkerMain.class, dir, "block", db.toString(), "block");
    awaitOutput(victim, "block", "BLOCKED");
    victim.destroyForcibly().waitFor();

    long cursor = checkCursorAndDocumentsAgree(db);
    assertEquals(2L * ApplyWorkerMain.PAGE_SIZE, cursor, "two pages committed, the third was in flight");
    resumeAndFinish(db, cursor);
  }

  @Test
  void killedWhileApplyingPagesContinuously_cursorAndDocumentsAgree() throws Exception {
    Path db = dir.resolve("victim.db");
    SyncStore.open(db).close();
    Process victim = Jvm.start(ApplyWorkerMain.class, dir, "loop", db.toString(), "loop");
    awaitOutput(victim, "loop", "PAGE " + 4L * ApplyWorkerMain.PAGE_SIZE);
    victim.destroyForcibly().waitFor();

    long cursor = checkCursorAndDocumentsAgree(db);
    assertTrue(cursor >= 4L * ApplyWorkerMain.PAGE_SIZE, "cursor " + cursor);
    resumeAndFinish(db, cursor);
  }

  private void awaitOutput(Process victim, String name, String line) {
    Await.until(name + " to print " + line, Duration.ofSeconds(90), () -> {
      if (!victim.isAlive()) {
        throw new AssertionError(name + " exited early: " + stderr(name));
      }
      try {
        return Jvm.stdout(dir, name).contains(line);
      } catch (IOException e) {
        return false;
      }
    });
  }

  private String stderr(String name) {
    try {
      return Jvm.stderr(dir, name);
    } catch (IOException e) {
      return e.toString();
    }
  }

  /** Reopens the file and checks it against the mutations 1..cursor; returns the cursor. */
  private static long checkCursorAndDocumentsAgree(Path db) {
    Jdbi.create("jdbc:sqlite:" + db).useHandle(h ->
        assertEquals("ok", h.select("PRAGMA integrity_check").mapTo(String.class).one()));
    try (SyncStore store = SyncStore.open(db)) {
      TargetState state = store.targets().state(TARGET);
      long cursor = state.lastPulledSeq();
      assertEquals(0, cursor % ApplyWorkerMain.PAGE_SIZE, "pages are atomic");
      assertEquals(cursor, state.totalApplied());
      assertEquals(cursor, state.totalPulled());
      Map<String, Long> expected = new HashMap<>();
      for (long seq = 1; seq <= cursor; seq++) {
        expected.put(ApplyWorkerMain.mutation(seq).entityKey(), seq);
      }
      List<Document> docs = store.documents().listAll();
      assertEquals(expected.size(), docs.size(), "documents of mutations above the cursor, or missing ones");
      for (Document d : docs) {
        long seq = expected.get(d.entityKey());
        assertEquals(seq, d.serverSeq(), d.entityKey());
        assertEquals(ApplyWorkerMain.mutation(seq).payloadJson(), d.payloadJson());
      }
      return cursor;
    }
  }

  private static void resumeAndFinish(Path db, long cursor) {
    try (SyncStore store = SyncStore.open(db)) {
      // The victim's lease lasts an hour; expire it by hand as if that hour had passed.
      Fence fence = takeOver(store);
      FencedWriter w = store.fenced(fence, new DocumentApplier());
      long end = cursor + 2L * ApplyWorkerMain.PAGE_SIZE;
      for (long c = cursor; c < end; c = w.applyPage(ApplyWorkerMain.pageAfter(c), end).cursor()) {
        assertTrue(c >= cursor);
      }
    }
    assertEquals(cursor + 2L * ApplyWorkerMain.PAGE_SIZE, checkCursorAndDocumentsAgree(db));
  }

  private static Fence takeOver(SyncStore store) {
    store.jdbi().useHandle(h -> h.execute("UPDATE ferry_leases SET expires_at = 0"));
    LeaseInfo info = store.leases().acquire(TARGET, "rescuer", Duration.ofMinutes(1));
    assertEquals(2, info.epoch());
    return info.fence();
  }
}
