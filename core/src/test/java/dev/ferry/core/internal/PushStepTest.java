package dev.ferry.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.core.CycleResult;
import dev.ferry.core.CycleResult.Outcome;
import dev.ferry.core.Rig;
import dev.ferry.store.LeaseInfo;
import dev.ferry.store.MutationState;
import dev.ferry.store.PendingMutation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several batches in one step: acks written behind the next batch's round trip. */
class PushStepTest {

  @TempDir Path dir;
  private Rig rig;

  @AfterEach
  void close() {
    if (rig != null) {
      rig.close();
    }
  }

  @Test
  void push_manyBatches_everyMutationAckedWithItsServerSeqAndCounted() {
    rig = Rig.open(dir, b -> b.pushBatchSize(3));
    for (int i = 0; i < 10; i++) {
      rig.write("notes", "k" + i, "{\"v\":" + i + "}");
    }

    CycleResult r = rig.cycle();

    assertEquals(Outcome.SUCCESS, r.outcome());
    assertEquals(10, r.pushed());
    assertEquals(4, rig.server.pushCalls());
    assertEquals(0, rig.pending());
    List<PendingMutation> acked = rig.rows(MutationState.ACKED);
    assertEquals(10, acked.size());
    for (int i = 0; i < acked.size(); i++) {
      assertEquals(i + 1, acked.get(i).serverSeq(), "server order follows local order");
    }
    assertEquals(10, rig.status().totalPushed());
  }

  @Test
  void push_leaseTakenOverWhileTheFirstBatchIsAnswered_laterBatchesAckNothingAndTheCycleEndsLeaseLost() {
    rig = Rig.open(dir, b -> b.pushBatchSize(2).leaseTtl(Duration.ofSeconds(3)));
    for (int i = 0; i < 6; i++) {
      rig.write("notes", "k" + i, "{}");
    }
    AtomicInteger calls = new AtomicInteger();
    rig.server.onPush(req -> {
      if (calls.incrementAndGet() == 1) {
        rig.scheduler.advance(Duration.ofSeconds(4));
        LeaseInfo other = rig.store.leases().acquire("cloud", "thief/2/y", Duration.ofSeconds(30));
        assertTrue(other.isHeldBy("thief/2/y"));
      }
    });

    CycleResult r = rig.cycle();

    assertEquals(Outcome.LEASE_LOST, r.outcome());
    assertEquals(0, r.pushed());
    assertEquals(6, rig.pending(), "the stale holder acked nothing, also not behind a later batch");
    assertTrue(rig.server.pushCalls() <= 2, "at most the next batch went out before the lost lease was seen");
    assertEquals(0, rig.store.targets().state("cloud").totalFailures(), "not a failure");
  }
}
