package dev.ferry.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.core.Await;
import dev.ferry.core.CycleResult;
import dev.ferry.core.CycleResult.Outcome;
import dev.ferry.core.FakeServer;
import dev.ferry.core.Phase;
import dev.ferry.core.ReasonCode;
import dev.ferry.core.Rig;
import dev.ferry.core.SyncStatus;
import dev.ferry.store.EnrollmentMode;
import dev.ferry.store.LeaseInfo;
import dev.ferry.store.MutationState;
import dev.ferry.store.PendingMutation;
import dev.ferry.transport.TransportException;
import dev.ferry.transport.wire.PushResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One cycle at a time on a fake clock and a scripted server: push and pull handling, outcomes, phases. */
class CycleRunnerTest {

  @TempDir Path dir;
  private Rig rig;

  @AfterEach
  void close() {
    if (rig != null) {
      rig.close();
    }
  }

  @Test
  void cycle_pushesPendingAndPullsOthers_phaseHealthy() {
    rig = Rig.open(dir);
    rig.write("notes", "a", "{\"v\":1}");
    rig.write("notes", "b", "{\"v\":2}");
    rig.server.appendRemote("other-replica", "notes", "note", "c", "{\"v\":3}");

    List<Phase> phases = Collections.synchronizedList(new ArrayList<>());
    rig.engine.dispatcher().add(s -> phases.add(s.phase()));
    CycleResult r = rig.cycle();

    assertEquals(Outcome.SUCCESS, r.outcome());
    assertEquals(2, r.pushed());
    assertEquals(3, r.pulled(), "own echoes count as pulled");
    assertEquals(1, r.applied());
    assertEquals(Phase.HEALTHY, r.phase());
    assertNull(r.reasonCode());
    assertEquals(Rig.OWNER, r.leaseOwner());
    assertEquals(0, rig.pending());
    assertEquals("{\"v\":3}", rig.store.documents().get("notes", "note", "c").orElseThrow().payloadJson());
    SyncStatus s = rig.status();
    assertEquals(Phase.HEALTHY, s.phase());
    assertEquals(3, s.lastPulledSeq());
    assertEquals(2, s.totalPushed());
    assertNotNull(s.lastSyncAt());
    assertTrue(s.leaseHeldByMe());
    Await.until("listener phases", () -> phases.contains(Phase.HEALTHY));
    assertEquals(List.of(Phase.PUSHING, Phase.PULLING, Phase.HEALTHY), phases.subList(phases.size() - 3,
        phases.size()));
  }

  @Test
  void push_serverReturnsDuplicate_acksWithOriginalSeq() {
    rig = Rig.open(dir);
    rig.write("notes", "a", "{}");
    // Store the push, then fail the answer: the client cannot know it was stored.
    rig.server.onPush(req -> {
      rig.server.onPush(null);
      rig.server.push(req);
      throw FakeServer.failure(TransportException.Kind.UNAVAILABLE);
    });
    assertEquals(Outcome.FAILED, rig.cycle().outcome());
    CycleResult retry = rig.cycle();
    assertEquals(1, retry.pushed());
    assertEquals(1, rig.server.log().size());
    assertEquals(1L, rig.rows(MutationState.ACKED).get(0).serverSeq());
  }

  @Test
  void push_nonRetryableRejection_quarantinesThatMutationOnly() {
    rig = Rig.open(dir);
    rig.write("notes", "a", "{}");
    long bad = rig.write("notes", "b", "{}");
    rig.write("notes", "c", "{}");
    rig.server.verdict(m -> m.clientSeq() == bad
        ? PushResult.rejected(m.clientSeq(), "validation_error", "entity_key too long", false) : null);
    CycleResult r = rig.cycle();
    assertEquals(Outcome.SUCCESS, r.outcome());
    assertEquals(2, r.pushed());
    assertEquals(1, r.quarantined());
    PendingMutation q = rig.rows(MutationState.QUARANTINED).get(0);
    assertEquals(bad, q.seq());
    assertEquals("validation_error", q.errorCode());
    assertEquals(0, rig.pending());
  }

  @Test
  void push_retryableRejection_holdsBackThatProjectWhileOthersGoOn() {
    rig = Rig.open(dir, b -> b.pushBatchSize(2));
    rig.write("secret", "s1", "{}");
    rig.write("notes", "a", "{}");
    rig.write("secret", "s2", "{}");
    rig.write("notes", "b", "{}");
    rig.write("notes", "c", "{}");
    rig.server.verdict(m -> m.project().equals("secret")
        ? PushResult.rejected(m.clientSeq(), "policy_forbidden", "no write grant", true) : null);
    CycleResult r = rig.cycle();
    assertEquals(Outcome.SUCCESS, r.outcome());
    assertEquals(3, r.pushed());
    assertEquals(1, r.heldBack(), "s2 was not sent again in this cycle once the project was held back");
    assertEquals(ReasonCode.POLICY_FORBIDDEN, r.reasonCode());
    assertTrue(r.reasonMessage().contains("secret"), r.reasonMessage());
    assertEquals(Phase.HEALTHY, r.phase());
    List<PendingMutation> pending = rig.rows(MutationState.PENDING);
    assertEquals(2, pending.size());
    assertEquals(1, pending.get(0).attempts());
    assertEquals(0, pending.get(1).attempts());

    rig.server.verdict(null);
    r = rig.cycle();
    assertEquals(2, r.pushed());
    assertNull(r.reasonCode());
  }

  @Test
  void push_tooLarge_splitsTheBatchUntilItFits() {
    rig = Rig.open(dir, b -> b.pushBatchSize(8));
    for (int i = 0; i < 8; i++) {
      rig.write("notes", "k" + i, "{}");
    }
    rig.server.maxBatch(3);
    CycleResult r = rig.cycle();
    assertEquals(Outcome.SUCCESS, r.outcome());
    assertEquals(8, r.pushed());
    List<Long> order = rig.server.log().stream().map(m -> m.clientSeq()).toList();
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L), order, "split halves keep the local order");
  }

  @Test
  void push_serverBatchCapBelowOurs_splitsUntilItFits() {
    rig = Rig.open(dir, b -> b.pushBatchSize(8));
    for (int i = 0; i < 8; i++) {
      rig.write("notes", "k" + i, "{}");
    }
    rig.server.maxBatchCount(3);
    CycleResult r = rig.cycle();
    assertEquals(Outcome.SUCCESS, r.outcome());
    assertEquals(8, r.pushed());
    assertEquals(0, r.quarantined());
  }

  @Test
  void push_singleMutationTooLarge_isQuarantined() {
    rig = Rig.open(dir);
    rig.write("notes", "a", "{}");
    rig.server.maxBatch(0);
    CycleResult r = rig.cycle();
    assertEquals(Outcome.SUCCESS, r.outcome());
    assertEquals(1, r.quarantined());
    assertEquals("too_large", rig.rows(MutationState.QUARANTINED).get(0).errorCode());
  }

  @Test
  void push_corruptRow_isQuarantinedAsCorruptRowAndTheRestIsPushed() {
    rig = Rig.open(dir);
    rig.write("notes", "a", "{}");
    rig.store.jdbi().useHandle(h -> h.execute("INSERT INTO ferry_mutations (target, project, entity, entity_key, op,"
        + " payload, created_at) VALUES ('cloud', 'notes', 'note', 'x', 'upsert', '{not json', 0)"));
    rig.write("notes", "b", "{}");
    CycleResult r = rig.cycle();
    assertEquals(Outcome.SUCCESS, r.outcome());
    assertEquals(2, r.pushed());
    assertEquals(1, r.quarantined());
    assertEquals("corrupt_row", rig.rows(MutationState.QUARANTINED).get(0).errorCode());
    assertEquals(0, rig.pending());
  }

  @Test
  void pull_manyPages_appliedUntilHasMoreIsFalse() {
    rig = Rig.open(dir, b -> b.pullPageSize(2));
    for (int i = 0; i < 5; i++) {
      rig.server.appendRemote("r2", "notes", "note", "k" + i, "{\"i\":" + i + "}");
    }
    CycleResult r = rig.cycle();
    assertEquals(5, r.pulled());
    assertEquals(5, r.applied());
    assertEquals(5, rig.store.targets().state("cloud").lastPulledSeq());
    assertEquals(5, rig.store.documents().count());
  }

  @Test
  void pull_disabled_pushesOnlyAndNeverMovesTheCursor() {
    rig = Rig.open(dir, b -> b.pull(false));
    rig.write("notes", "a", "{}");
    rig.server.appendRemote("r2", "notes", "note", "z", "{}");
    CycleResult r = rig.cycle();
    assertEquals(Outcome.SUCCESS, r.outcome());
    assertTrue(r.pullSkipped());
    assertEquals(1, r.pushed());
    assertEquals(0, rig.store.targets().state("cloud").lastPulledSeq());
    assertEquals(0, rig.server.pullCalls());
  }

  @Test
  void pull_mutationThatCannotBeMapped_isQuarantinedAndTheLogGoesOn() {
    rig = Rig.open(dir);
    rig.server.appendRemote("r2", "notes", "note", " ", "{}");
    rig.server.appendRemote("r2", "notes", "note", "ok", "{}");
    CycleResult r = rig.cycle();
    assertEquals(Outcome.SUCCESS, r.outcome());
    assertEquals(ReasonCode.INBOUND_QUARANTINED, r.reasonCode());
    assertTrue(r.reasonMessage().contains("notes/note/ "), r.reasonMessage());
    assertEquals(2, rig.store.targets().state("cloud").lastPulledSeq());
    assertEquals(1, rig.store.documents().count());
    assertEquals("unmappable", rig.store.inbox().list("cloud", 0, 10).get(0).errorCode());
  }

  @Test
  void cycle_explicitEnrollmentWithWaitingProjects_reportsNonEnrolledPending() {
    rig = Rig.open(dir);
    rig.store.targets().setEnrollment("cloud", EnrollmentMode.EXPLICIT);
    rig.store.targets().enroll("cloud", "notes");
    rig.write("notes", "a", "{}");
    rig.write("drafts", "d", "{}");
    CycleResult r = rig.cycle();
    assertEquals(Outcome.SUCCESS, r.outcome());
    assertEquals(1, r.pushed());
    assertEquals(Phase.HEALTHY, r.phase());
    assertEquals(ReasonCode.NON_ENROLLED_PENDING_MUTATIONS, r.reasonCode());
    assertEquals(java.util.Map.of("drafts", 1L), rig.status().nonEnrolledPending());
  }

  @Test
  void cycle_whilePaused_doesNothingAndReadsDisabled() {
    rig = Rig.open(dir);
    rig.write("notes", "a", "{}");
    rig.store.targets().addPauseReason("cloud", "user");
    CycleResult r = rig.cycle();
    assertEquals(Outcome.PAUSED, r.outcome());
    assertEquals(Phase.DISABLED, r.phase());
    assertEquals(ReasonCode.PAUSED, r.reasonCode());
    assertEquals(0, rig.server.pushCalls());
    assertEquals(Phase.DISABLED, rig.status().phase());
  }

  @Test
  void cycle_leaseHeldByAnotherProcess_isIdleAndNamesTheHolder() {
    rig = Rig.open(dir);
    rig.store.leases().acquire("cloud", "other-host/9/x", Duration.ofSeconds(60));
    rig.write("notes", "a", "{}");
    CycleResult r = rig.cycle();
    assertEquals(Outcome.LEASE_HELD_ELSEWHERE, r.outcome());
    assertEquals(Phase.IDLE, r.phase());
    assertEquals(ReasonCode.LEASE_HELD_ELSEWHERE, r.reasonCode());
    assertEquals("other-host/9/x", r.leaseOwner());
    assertEquals(0, rig.server.pushCalls());
    SyncStatus s = rig.status();
    assertEquals(ReasonCode.LEASE_HELD_ELSEWHERE, s.reasonCode());
    assertEquals("other-host/9/x", s.lease().owner());
    assertFalse(s.leaseHeldByMe());
  }

  @Test
  void cycle_leaseTakenOverMidPush_stopsWithLeaseLostAndAcksNothing() {
    rig = Rig.open(dir, b -> b.leaseTtl(Duration.ofSeconds(3)));
    rig.write("notes", "a", "{}");
    rig.server.onPush(req -> {
      rig.scheduler.advance(Duration.ofSeconds(4));
      LeaseInfo other = rig.store.leases().acquire("cloud", "thief/2/y", Duration.ofSeconds(30));
      assertTrue(other.isHeldBy("thief/2/y"));
    });
    CycleResult r = rig.cycle();
    assertEquals(Outcome.LEASE_LOST, r.outcome());
    assertEquals(ReasonCode.LEASE_LOST, r.reasonCode());
    assertEquals(Phase.IDLE, r.phase());
    assertEquals(1, rig.pending(), "the stale holder wrote nothing");
    assertEquals(0, rig.store.targets().state("cloud").totalFailures(), "not a failure");
  }

  @Test
  void push_staleLeaseFromServerWhileHoldingLocally_countsAFailureAndTakesANewEpoch() {
    rig = Rig.open(dir);
    rig.write("notes", "a", "{}");
    long epoch = rig.store.leases().acquire("cloud", Rig.OWNER, Duration.ofSeconds(60)).epoch();
    rig.server.failNextPushes(new TransportException(TransportException.Kind.STALE_LEASE, "409", 409, "stale_lease",
        null, null));
    CycleResult r = rig.cycle();
    assertEquals(Outcome.FAILED, r.outcome());
    assertEquals(ReasonCode.LEASE_LOST, r.reasonCode());
    CycleResult retry = rig.cycle();
    assertEquals(Outcome.SUCCESS, retry.outcome());
    assertTrue(rig.store.leases().current("cloud").orElseThrow().epoch() > epoch, "a new epoch");
  }
}
