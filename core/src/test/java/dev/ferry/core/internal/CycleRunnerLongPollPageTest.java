package dev.ferry.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ferry.core.CycleResult.Outcome;
import dev.ferry.core.Rig;
import dev.ferry.transport.wire.PullResponse;
import dev.ferry.transport.wire.PulledMutation;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which long-poll pages are applied and which send the loop to a pulling cycle (a possible log reset). */
class CycleRunnerLongPollPageTest {

  @TempDir Path dir;
  private Rig rig;

  @AfterEach
  void close() {
    if (rig != null) {
      rig.close();
    }
  }

  private CycleRunner synced(int remotes) {
    rig = Rig.open(dir);
    for (int i = 0; i < remotes; i++) {
      rig.server.appendRemote("other", "notes", "note", "k" + i, "{}");
    }
    assertEquals(Outcome.SUCCESS, rig.cycle().outcome());
    return rig.engine.runner();
  }

  @Test
  void pageAskedAtAnOlderCursor_withALatestBelowTheCursorNow_isAppliedNotTakenForAReset() {
    CycleRunner runner = synced(3);
    PulledMutation second = rig.server.log().get(1);

    assertEquals(CycleRunner.LongPollApplied.APPLIED,
        runner.applyLongPoll(1, new PullResponse(List.of(second), false, 2, null)));
    assertEquals(3, runner.cursor());
  }

  @Test
  void emptyPageAtTheCurrentCursor_withALatestBelowIt_sendsTheLoopToACycle() {
    CycleRunner runner = synced(3);

    assertEquals(CycleRunner.LongPollApplied.MORE, runner.applyLongPoll(3, new PullResponse(List.of(), false, 1)));
    assertEquals(3, runner.cursor(), "nothing applied");
  }

  @Test
  void pageAskedAboveTheCursor_isNotApplied() {
    CycleRunner runner = synced(2);
    PulledMutation second = rig.server.log().get(1);

    assertEquals(CycleRunner.LongPollApplied.MORE,
        runner.applyLongPoll(7, new PullResponse(List.of(second), false, 9)));
    assertEquals(2, runner.cursor());
  }
}
