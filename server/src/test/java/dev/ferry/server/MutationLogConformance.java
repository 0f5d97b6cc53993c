package dev.ferry.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.server.TestClient.Reply;
import dev.ferry.transport.HttpSyncTransport;
import dev.ferry.transport.wire.ErrorBody;
import dev.ferry.transport.wire.PullResponse;
import dev.ferry.transport.wire.PulledMutation;
import dev.ferry.transport.wire.PushResponse;
import dev.ferry.transport.wire.PushResult;
import dev.ferry.transport.wire.PushStatus;
import dev.ferry.transport.wire.WireJson;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour every {@link MutationLog} must show behind the HTTP API, driven over real HTTP
 * against an embedded {@link FerryServer}. Each storage implementation runs it by extending this
 * class and opening a fresh, empty log per test.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class MutationLogConformance {

  protected static final String ALICE = "alice-token-0123456789";
  protected static final String NOTES_ONLY = "notes-only-token-0123456789";
  protected static final String BOB = "bob-token-0123456789abcdef";
  protected static final String READ_ONLY = "read-only-token-0123456789";

  private FerryServer server;
  protected TestClient client;

  /** A fresh, empty log, private to the running test. */
  protected abstract MutationLog openLog();

  /** The grants a test's server starts with: three principals of tenant acme, one of globex. */
  protected static List<TokenGrant> grants() {
    return List.of(
        TokenGrant.allProjects(ALICE, "acme").withName("alice"),
        new TokenGrant(NOTES_ONLY, "acme", "notes-writer", Set.of("notes"), Set.of("notes")),
        TokenGrant.allProjects(BOB, "globex"),
        new TokenGrant(READ_ONLY, "acme", "reader", Set.of("*"), Set.of()));
  }

  protected FerryServer start(ServerLimits limits) {
    return start(limits, grants());
  }

  protected FerryServer start(ServerLimits limits, List<TokenGrant> grants) {
    server =
        FerryServer.builder()
            .storage(openLog())
            .port(0)
            .grants(grants)
            .limits(limits)
            .build()
            .start();
    client = new TestClient(server.baseUri());
    return server;
  }

  /** Stops the test's server and starts another on the same log with other grants. */
  protected FerryServer restart(List<TokenGrant> grants) {
    server.stop(Duration.ofSeconds(5));
    return start(ServerLimits.defaults(), grants);
  }

  protected FerryServer start() {
    return start(ServerLimits.defaults());
  }

  /** Runs after the test's server (and so its log) has stopped: drop what the test created. */
  protected void afterServerStopped() {}

  @AfterEach
  void stopServer() {
    try {
      if (server != null) {
        server.stop(Duration.ofSeconds(5));
      }
    } finally {
      afterServerStopped();
    }
  }

  // ---- push: dedupe and order ----

  @Test
  void push_newMutations_acceptedWithConsecutiveSeqs() {
    start();
    PushResponse r = client.push(ALICE, Pushes.range("r1", 1, "notes", 1, 3)).push();

    assertEquals(
        List.of(PushResult.accepted(1, 1), PushResult.accepted(2, 2), PushResult.accepted(3, 3)),
        r.results());
    assertEquals(3, r.latestSeq());
  }

  @Test
  void push_retriedBatch_answersDuplicateWithOriginalSeq() {
    start();
    client.push(ALICE, Pushes.range("r1", 1, "notes", 1, 2));
    client.push(ALICE, Pushes.range("r2", 1, "notes", 1, 1));

    PushResponse retry = client.push(ALICE, Pushes.range("r1", 1, "notes", 1, 3)).push();

    assertEquals(
        List.of(PushResult.duplicate(1, 1), PushResult.duplicate(2, 2), PushResult.accepted(3, 4)),
        retry.results());
    assertEquals(4, retry.latestSeq());
    assertEquals(4, client.pull(ALICE, 0, 100, 0).pull().mutations().size());
  }

  @Test
  void push_storedClientSeqWithOtherContent_isRejectedAsReplicaConflict() {
    start();
    String original =
        "{\"client_seq\":1,\"project\":\"notes\",\"entity\":\"note\",\"entity_key\":\"k\","
            + "\"op\":\"upsert\",\"payload\":{\"n\":1}}";
    client.push(ALICE, Pushes.body("r1", 1, original));

    // A replica restored from an old backup, or copied, numbers new writes with used client seqs.
    List<String> reused =
        List.of(
            original.replace("{\"n\":1}", "{\"n\":2}"),
            original.replace("{\"n\":1}", "{\"n\": 1}"),
            original.replace("\"k\"", "\"other-key\""),
            original.replace("upsert", "delete"),
            original.replace("\"note\"", "\"task\""),
            original.replace("notes", "todo"));
    for (String m : reused) {
      PushResult r = client.push(ALICE, Pushes.body("r1", 9, m)).push().results().get(0);
      assertEquals(PushStatus.REJECTED, r.status(), m);
      assertEquals("replica_conflict", r.code(), m);
      assertFalse(r.retryable(), m);
      assertNull(r.seq());
    }
    PushResponse retried =
        client
            .push(
                ALICE,
                Pushes.body(
                    "r1", 1, original.replace("}}", "},\"created_at\":\"2030-01-01T00:00:00Z\"}")))
            .push();

    assertEquals(
        List.of(PushResult.duplicate(1, 1)),
        retried.results(),
        "same content (created_at is not compared), and conflicts did not raise the epoch");
    List<PulledMutation> stored = client.pull(ALICE, 0, 10, 0).pull().mutations();
    assertEquals(1, stored.size());
    assertEquals("{\"n\":1}", stored.get(0).payload().json());
  }

  @Test
  void pull_pages_inSeqOrderAboveSinceWithHasMore() {
    start();
    client.push(ALICE, Pushes.range("r1", 1, "notes", 1, 5));

    PullResponse first = client.pull(ALICE, 0, 2, 0).pull();
    PullResponse rest = client.pull(ALICE, 2, 10, 0).pull();

    assertEquals(List.of(1L, 2L), seqs(first));
    assertTrue(first.hasMore());
    assertEquals(5, first.latestSeq());
    assertEquals(List.of(3L, 4L, 5L), seqs(rest));
    assertFalse(rest.hasMore());
  }

  @Test
  void pull_returnsEveryFieldAndThePayloadVerbatim() {
    start();
    String payload =
        "{\"t\":\"h\\u00e9llo"
            + " \\ud83d\\ude00\",\"big\":123456789012345678901234567890,\"x\":[1.50,null]}";
    client.push(ALICE, Pushes.body("r1", 1, Pushes.mutation(7, "notes", "n-1", payload)));

    PulledMutation m = client.pull(ALICE, 0, 10, 0).pull().mutations().get(0);

    assertEquals(1, m.seq());
    assertEquals("r1", m.replicaId());
    assertEquals(7, m.clientSeq());
    assertEquals("notes", m.project());
    assertEquals("note", m.entity());
    assertEquals("n-1", m.entityKey());
    assertEquals("upsert", m.op());
    assertEquals(
        "{\"t\":\"héllo 😀\",\"big\":123456789012345678901234567890,\"x\":[1.50,null]}",
        m.payload().json());
    assertEquals("2026-11-21T10:00:00Z", String.valueOf(m.createdAt()));
    assertNotNull(m.acceptedAt());
  }

  @Test
  void concurrentPushers_pullerFollowingCursor_seesEveryMutationOnceInOrder() throws Exception {
    start();

    List<PulledMutation> seen =
        pushConcurrentlyWhileFollowing(new TestClient[] {client}, client, 6, 20, 50);

    assertGaplessAndOnce(seen, 6 * 20 * 50);
  }

  /**
   * Runs {@code pushers} threads, each pushing {@code batches} batches of {@code batchSize} as its
   * own replica (through the given clients in turn), while one long-polling puller follows the
   * cursor through {@code pullVia} until it has seen them all.
   *
   * @return every mutation the puller saw, in the order it saw them
   */
  protected static List<PulledMutation> pushConcurrentlyWhileFollowing(
      TestClient[] pushVia, TestClient pullVia, int pushers, int batches, int batchSize)
      throws Exception {
    int total = pushers * batches * batchSize;
    ExecutorService pool = Executors.newFixedThreadPool(pushers + 1);
    try {
      Future<List<PulledMutation>> puller =
          pool.submit(
              () -> {
                List<PulledMutation> seen = new ArrayList<>();
                long cursor = 0;
                while (seen.size() < total) {
                  PullResponse page = pullVia.pull(ALICE, cursor, 173, 2_000).pull();
                  for (PulledMutation m : page.mutations()) {
                    seen.add(m);
                    cursor = m.seq();
                  }
                }
                return seen;
              });
      List<Future<?>> writers = new ArrayList<>();
      for (int p = 0; p < pushers; p++) {
        String replica = "replica-" + p;
        TestClient via = pushVia[p % pushVia.length];
        writers.add(
            pool.submit(
                () -> {
                  for (int b = 0; b < batches; b++) {
                    long from = (long) b * batchSize + 1;
                    Reply r =
                        via.push(
                            ALICE, Pushes.range(replica, 1, "notes", from, from + batchSize - 1));
                    assertEquals(200, r.status(), r.text());
                  }
                  return null;
                }));
      }
      for (Future<?> w : writers) {
        w.get(90, TimeUnit.SECONDS);
      }
      return puller.get(90, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Asserts seqs 1..total in order, each (replica, client seq) once. */
  protected static void assertGaplessAndOnce(List<PulledMutation> seen, int total) {
    assertEquals(total, seen.size());
    Set<String> keys = new HashSet<>();
    for (int i = 0; i < seen.size(); i++) {
      assertEquals(i + 1, seen.get(i).seq(), "seqs are gapless and in order");
      assertTrue(keys.add(seen.get(i).replicaId() + "/" + seen.get(i).clientSeq()), "seen once");
    }
  }

  // ---- long-poll ----

  @Test
  void longPoll_commitArrives_answersWithItBeforeTheWaitEnds() throws Exception {
    start();
    CompletableFuture<Reply> pending = client.pullAsync(ALICE, 0, 10, 60_000);
    Await.until("the pull is parked", () -> server.parkedPulls() == 1);

    client.push(ALICE, Pushes.range("r1", 1, "notes", 1, 1));

    PullResponse page = pending.get(30, TimeUnit.SECONDS).pull();
    assertEquals(List.of(1L), seqs(page));
    assertEquals(0, server.parkedPulls());
  }

  @Test
  void longPoll_nothingArrives_answersEmptyWhenTheWaitEnds() {
    start();
    client.push(ALICE, Pushes.range("r1", 1, "notes", 1, 2));

    long started = System.nanoTime();
    PullResponse page = client.pull(ALICE, 2, 10, 150).pull();
    long elapsedMillis = (System.nanoTime() - started) / 1_000_000;

    // A lower bound only, which load cannot break: the pull was held, not answered at once.
    assertTrue(elapsedMillis >= 150, "answered after " + elapsedMillis + " ms");
    assertTrue(page.mutations().isEmpty());
    assertFalse(page.hasMore());
    assertEquals(2, page.latestSeq());
  }

  @Test
  void longPoll_waitAboveTheCap_isCapped() {
    start(ServerLimits.builder().maxWait(Duration.ofMillis(100)).build());

    long started = System.nanoTime();
    Reply r = client.pull(ALICE, 0, 10, 3_600_000);
    long elapsedMillis = (System.nanoTime() - started) / 1_000_000;

    assertTrue(elapsedMillis >= 100, "held for the cap: " + elapsedMillis + " ms");
    assertEquals(200, r.status());
    assertTrue(r.pull().mutations().isEmpty());
  }

  @Test
  void longPoll_commitToAnotherTenantOrUnreadableProject_doesNotAnswer() throws Exception {
    start(ServerLimits.builder().maxWait(Duration.ofSeconds(60)).build());
    CompletableFuture<Reply> notesOnly = client.pullAsync(NOTES_ONLY, 0, 10, 60_000);
    Await.until("the pull is parked", () -> server.parkedPulls() == 1);

    client.push(BOB, Pushes.range("b", 1, "notes", 1, 3));
    client.push(ALICE, Pushes.range("a", 1, "secret", 1, 3));
    // A commit it may read, after the others: the answer must hold only that one.
    client.push(ALICE, Pushes.range("a", 1, "notes", 4, 4));

    PullResponse page = notesOnly.get(30, TimeUnit.SECONDS).pull();
    assertEquals(List.of(4L), seqs(page));
    assertEquals("notes", page.mutations().get(0).project());
  }

  @Test
  void longPoll_capReached_answersTheExcess429AtOnce() throws Exception {
    start(ServerLimits.builder().maxWaiters(2).maxWait(Duration.ofSeconds(60)).build());
    CompletableFuture<Reply> a = client.pullAsync(ALICE, 0, 10, 60_000);
    CompletableFuture<Reply> b = client.pullAsync(ALICE, 0, 10, 60_000);
    Await.until("two pulls are parked", () -> server.parkedPulls() == 2);

    // Answered at once rather than empty: an empty 200 would send the client straight back.
    Reply third = client.pullAsync(ALICE, 0, 10, 60_000).get(20, TimeUnit.SECONDS);

    assertError(third, 429, "rate_limited", "too_many_long_polls");
    assertEquals("1", third.retryAfter());
    client.push(ALICE, Pushes.range("r1", 1, "notes", 1, 1));
    assertEquals(1, a.get(30, TimeUnit.SECONDS).pull().mutations().size());
    assertEquals(1, b.get(30, TimeUnit.SECONDS).pull().mutations().size());
  }

  @Test
  void longPoll_turnedOff_answersAtOnceWithThePage() throws Exception {
    start(ServerLimits.builder().maxWaiters(0).maxWait(Duration.ofSeconds(60)).build());

    Reply r = client.pullAsync(ALICE, 0, 10, 60_000).get(20, TimeUnit.SECONDS);

    assertEquals(200, r.status(), r.text());
    assertTrue(r.pull().mutations().isEmpty());
  }

  @Test
  void stop_answersParkedPulls() throws Exception {
    FerryServer s = start();
    CompletableFuture<Reply> parked = client.pullAsync(ALICE, 0, 10, 60_000);
    Await.until("the pull is parked", () -> s.parkedPulls() == 1);

    s.stop(Duration.ofSeconds(10));

    Reply r = parked.get(30, TimeUnit.SECONDS);
    assertEquals(200, r.status());
    assertTrue(r.pull().mutations().isEmpty());
  }

  // ---- auth, tenancy, grants ----

  @Test
  void auth_missingOrWrongToken_is401WithErrorBody() {
    start();

    Reply none = client.send(client.get("/v1/pull", null).build());
    Reply wrong = client.pull("not-a-real-token-at-all", 0, 10, 0);
    Reply badScheme =
        client.send(
            client.get("/v1/whoami", null).header("Authorization", "Basic " + ALICE).build());

    assertError(none, 401, "auth", "missing_token");
    assertError(wrong, 401, "auth", "invalid_token");
    assertError(badScheme, 401, "auth", "missing_token");
    assertFalse(wrong.text().contains("not-a-real-token"), "the token is never echoed");
  }

  @Test
  void health_needsNoToken_andWhoamiShowsGrants() {
    start();

    JsonNode health = client.send(client.get("/v1/health", null).build()).json();
    JsonNode me = client.send(client.get("/v1/whoami", NOTES_ONLY).build()).json();

    assertEquals("ok", health.get("status").asText());
    assertFalse(health.get("version").asText().isBlank());
    assertEquals("acme", me.get("tenant").asText());
    assertEquals("[\"notes\"]", me.get("read").toString());
    assertEquals("[\"notes\"]", me.get("write").toString());
    assertEquals(
        "[\"*\"]",
        client.send(client.get("/v1/whoami", ALICE).build()).json().get("write").toString());
  }

  @Test
  void tenants_neverSeeEachOthersMutations() {
    start();
    client.push(ALICE, Pushes.range("same-replica", 1, "notes", 1, 3));

    PushResponse bobs = client.push(BOB, Pushes.range("same-replica", 1, "notes", 1, 1)).push();
    PullResponse bobPull = client.pull(BOB, 0, 100, 0).pull();

    assertEquals(
        List.of(PushResult.accepted(1, 1)), bobs.results(), "own seqs and own dedupe keys");
    assertEquals(1, bobPull.mutations().size());
    assertEquals("same-replica-1", bobPull.mutations().get(0).entityKey());
    assertEquals(1, bobPull.latestSeq());
    assertEquals(3, client.pull(ALICE, 0, 100, 0).pull().mutations().size());
  }

  @Test
  void grants_writeToUngrantedProject_rejectsOnlyThatMutationRetryably() {
    start();

    PushResponse r =
        client
            .push(
                NOTES_ONLY,
                Pushes.body(
                    "r1",
                    1,
                    Pushes.mutation(1, "notes", "a", "1"),
                    Pushes.mutation(2, "secret", "b", "2"),
                    Pushes.mutation(3, "notes", "c", "3")))
            .push();

    assertEquals(PushResult.accepted(1, 1), r.results().get(0));
    PushResult forbidden = r.results().get(1);
    assertEquals(PushStatus.REJECTED, forbidden.status());
    assertEquals("policy_forbidden", forbidden.code());
    assertTrue(forbidden.retryable());
    assertNull(forbidden.seq());
    assertEquals(PushResult.accepted(3, 2), r.results().get(2));
  }

  @Test
  void grants_storedMutationRetriedAfterGrantsNarrowed_isAnsweredDuplicate() {
    start();
    String secret = Pushes.mutation(1, "secret", "a", "1");
    client.push(ALICE, Pushes.body("r1", 1, secret, Pushes.mutation(2, "secret", "b", "2")));
    // The operator narrows alice's grants; the answer to the push above was lost.
    restart(
        List.of(new TokenGrant(ALICE, "acme", "alice", Set.of("notes"), Set.of("notes"))));

    PushResponse retry =
        client
            .push(
                ALICE,
                Pushes.body(
                    "r1",
                    1,
                    secret,
                    Pushes.mutation(2, "secret", "b", "22"),
                    Pushes.mutation(3, "secret", "c", "3")))
            .push();

    assertEquals(PushResult.duplicate(1, 1), retry.results().get(0));
    assertEquals("replica_conflict", retry.results().get(1).code());
    assertEquals("policy_forbidden", retry.results().get(2).code());
    assertTrue(retry.results().get(2).retryable());
    assertEquals(2, client.pull(ALICE, 0, 10, 0).pull().latestSeq());
  }

  @Test
  void grants_pullReturnsOnlyReadableProjects() {
    start();
    client.push(
        ALICE,
        Pushes.body(
            "r1",
            1,
            Pushes.mutation(1, "notes", "a", "1"),
            Pushes.mutation(2, "secret", "b", "2"),
            Pushes.mutation(3, "notes", "c", "3")));

    PullResponse limited = client.pull(NOTES_ONLY, 0, 100, 0).pull();

    assertEquals(List.of(1L, 3L), seqs(limited));
    assertEquals(3, limited.latestSeq());
  }

  // ---- validation and limits ----

  @Test
  void push_blankFields_rejectNonRetryablyForThatMutationOnly() {
    start();
    String blankProject = Pushes.mutation(1, " ", "a", "1");
    String noKey =
        "{\"client_seq\":2,\"project\":\"notes\",\"entity\":\"note\",\"op\":\"upsert\",\"payload\":{}}";
    String blankOp =
        "{\"client_seq\":3,\"project\":\"notes\",\"entity\":\"note\",\"entity_key\":\"k\",\"op\":\"\",\"payload\":{}}";
    String blankEntity =
        "{\"client_seq\":4,\"project\":\"notes\",\"entity\":\"\",\"entity_key\":\"k\",\"op\":\"upsert\",\"payload\":{}}";

    PushResponse r =
        client
            .push(
                ALICE,
                Pushes.body(
                    "r1",
                    1,
                    blankProject,
                    noKey,
                    blankOp,
                    blankEntity,
                    Pushes.mutation(5, "notes", "ok", "1")))
            .push();

    for (int i = 0; i < 4; i++) {
      PushResult rejected = r.results().get(i);
      assertEquals(PushStatus.REJECTED, rejected.status());
      assertEquals("validation_error", rejected.code());
      assertFalse(rejected.retryable());
    }
    assertEquals(PushResult.accepted(5, 1), r.results().get(4));
  }

  @Test
  void push_extremeButParseableValues_areRejectedOrStoredNeverAFailure() {
    start();

    PushResponse r =
        client
            .push(
                ALICE,
                Pushes.body(
                    "r1",
                    Long.MAX_VALUE,
                    Pushes.mutationAt(1, "notes", "far", "1", "+300000000-01-01T00:00:00Z"),
                    Pushes.mutationAt(2, "notes", "y10k", "2", "+10000-01-01T00:00:00Z"),
                    Pushes.mutationAt(3, "notes", "bc", "3", "-0001-12-31T23:59:59.999Z"),
                    Pushes.mutationAt(4, "notes", "y0", "4", "0000-01-01T00:00:00.000Z"),
                    Pushes.mutationAt(
                        Long.MAX_VALUE, "notes", "y9999", "5", "9999-12-31T23:59:59.999Z")))
            .push();

    for (int i = 0; i < 3; i++) {
      PushResult rejected = r.results().get(i);
      assertEquals(PushStatus.REJECTED, rejected.status(), rejected.toString());
      assertEquals("validation_error", rejected.code());
      assertFalse(rejected.retryable());
      assertTrue(rejected.message().contains("created_at"), rejected.message());
    }
    assertEquals(PushResult.accepted(4, 1), r.results().get(3));
    assertEquals(PushResult.accepted(Long.MAX_VALUE, 2), r.results().get(4));
    List<PulledMutation> stored = client.pull(ALICE, 0, 10, 0).pull().mutations();
    assertEquals(
        List.of("0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z"),
        stored.stream().map(m -> String.valueOf(m.createdAt())).toList());
    assertEquals(Long.MAX_VALUE, stored.get(1).clientSeq());
    assertTrue(client.pull(ALICE, Long.MAX_VALUE, 10, 0).pull().mutations().isEmpty());
  }

  @Test
  void push_staleLeaseEpoch_is409AndStoresNothing() {
    start();
    client.push(ALICE, Pushes.range("r1", 5, "notes", 1, 1));

    Reply stale = client.push(ALICE, Pushes.range("r1", 4, "notes", 2, 2));
    Reply sameEpoch = client.push(ALICE, Pushes.range("r1", 5, "notes", 3, 3));
    Reply otherReplica = client.push(ALICE, Pushes.range("r2", 1, "notes", 1, 1));

    assertError(stale, 409, "stale_lease", "stale_lease");
    assertEquals(5L, stale.error().seenEpoch());
    assertEquals(200, sameEpoch.status());
    assertEquals(200, otherReplica.status());
    List<PulledMutation> stored = client.pull(ALICE, 0, 100, 0).pull().mutations();
    assertEquals(
        List.of("r1/1", "r1/3", "r2/1"),
        stored.stream().map(m -> m.replicaId() + "/" + m.clientSeq()).toList());
  }

  @Test
  void logId_isOneValuePerTenantLog_onPushPullAndWhoami() {
    start();
    String beforeAnyWrite = client.pull(ALICE, 0, 10, 0).pull().logId();
    PushResponse pushed = client.push(ALICE, Pushes.range("r1", 1, "notes", 1, 2)).push();
    PullResponse pulled = client.pull(NOTES_ONLY, 0, 10, 0).pull();
    String whoami = client.send(client.get("/v1/whoami", READ_ONLY).build()).json().get("log_id").asText();
    String otherTenant = client.pull(BOB, 0, 10, 0).pull().logId();

    assertNotNull(beforeAnyWrite);
    assertEquals(beforeAnyWrite, pushed.logId());
    assertEquals(beforeAnyWrite, pulled.logId());
    assertEquals(beforeAnyWrite, whoami);
    assertNotNull(otherTenant);
    assertFalse(otherTenant.equals(beforeAnyWrite), "each tenant's log has its own identity");
  }

  @Test
  void push_tokenWithoutAnyWriteGrant_is403AndFencesNoReplica() {
    start();

    Reply refused = client.push(READ_ONLY, Pushes.range("r1", Long.MAX_VALUE, "notes", 1, 1));
    Reply owner = client.push(ALICE, Pushes.range("r1", 1, "notes", 1, 1));

    assertError(refused, 403, "policy", "policy_forbidden");
    assertEquals(List.of(PushResult.accepted(1, 1)), owner.push().results());
  }

  @Test
  void push_nothingStoredOrDeduplicated_doesNotRememberTheEpoch() {
    start();

    PushResponse forbidden =
        client
            .push(
                NOTES_ONLY,
                Pushes.body(
                    "r1",
                    1_000,
                    Pushes.mutation(1, "secret", "a", "1"),
                    Pushes.mutation(2, "notes", " ", "2")))
            .push();
    Reply empty = client.push(ALICE, Pushes.body("r1", 2_000));
    Reply owner = client.push(ALICE, Pushes.range("r1", 1, "notes", 3, 3));

    assertTrue(forbidden.results().stream().noneMatch(PushResult::stored));
    assertEquals(200, empty.status(), empty.text());
    assertEquals(List.of(PushResult.accepted(3, 1)), owner.push().results());
  }

  @Test
  void push_onlyDuplicates_remembersTheEpoch() {
    start();
    client.push(ALICE, Pushes.range("r1", 1, "notes", 1, 1));

    Reply retriedUnderNewLease = client.push(ALICE, Pushes.range("r1", 7, "notes", 1, 1));
    Reply oldHolder = client.push(ALICE, Pushes.range("r1", 5, "notes", 2, 2));

    assertEquals(List.of(PushResult.duplicate(1, 1)), retriedUnderNewLease.push().results());
    assertError(oldHolder, 409, "stale_lease", "stale_lease");
  }

  @Test
  void push_bodyOverTheLimit_is413() {
    start(ServerLimits.builder().maxBodyBytes(16 * 1024).build());
    String big =
        Pushes.body("r1", 1, Pushes.mutation(1, "notes", "k", "\"" + "x".repeat(20_000) + "\""));

    assertError(client.push(ALICE, big), 413, "too_large", "too_large");
    assertTrue(client.pull(ALICE, 0, 10, 0).pull().mutations().isEmpty());
  }

  @Test
  void push_gzipBombOverTheLimit_is413() {
    start(ServerLimits.builder().maxBodyBytes(64 * 1024).build());
    byte[] bomb =
        Pushes.body("r1", 1, Pushes.mutation(1, "notes", "k", "\"" + "x".repeat(5_000_000) + "\""))
            .getBytes(StandardCharsets.UTF_8);

    assertError(client.pushGzip(ALICE, bomb), 413, "too_large", "too_large");
  }

  @Test
  void push_gzipBody_isAccepted() {
    start();

    Reply r =
        client.pushGzip(
            ALICE, Pushes.range("r1", 1, "notes", 1, 2).getBytes(StandardCharsets.UTF_8));

    assertEquals(200, r.status(), r.text());
    assertEquals(2, r.push().latestSeq());
  }

  @Test
  void pull_largePageWithAcceptEncodingGzip_isGzipped() throws Exception {
    start();
    client.push(ALICE, Pushes.range("r1", 1, "notes", 1, 300));

    Reply r =
        client.send(
            client
                .get("/v1/pull?since=0&limit=300", ALICE)
                .header("Accept-Encoding", "gzip")
                .build());

    assertEquals("gzip", r.contentEncoding());
    byte[] json =
        new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(r.body()))
            .readAllBytes();
    assertEquals(300, WireJson.mapper().readValue(json, PullResponse.class).mutations().size());
  }

  @Test
  void push_moreMutationsThanTheCap_is400AndStoresNothing() {
    start(ServerLimits.builder().maxBatchMutations(10).build());

    assertError(
        client.push(ALICE, Pushes.range("r1", 1, "notes", 1, 11)),
        400,
        "validation",
        "batch_too_large");
    assertTrue(client.pull(ALICE, 0, 10, 0).pull().mutations().isEmpty());
  }

  @Test
  void pull_pageOverTheByteBudget_endsBeforeTheMutationThatWouldExceedIt() {
    int budget = 100 * 1024;
    start(ServerLimits.builder().maxBodyBytes(64 * 1024).maxPageBytes(budget).build());
    String payload = "\"" + "x".repeat(40 * 1024) + "\"";
    for (int i = 1; i <= 5; i++) {
      assertEquals(
          200,
          client
              .push(ALICE, Pushes.body("r1", 1, Pushes.mutation(i, "notes", "k", payload)))
              .status());
    }

    Reply first = client.pull(ALICE, 0, 500, 0);
    PullResponse second = client.pull(ALICE, 2, 500, 0).pull();
    PullResponse last = client.pull(ALICE, 4, 500, 0).pull();

    assertEquals(List.of(1L, 2L), seqs(first.pull()));
    assertTrue(first.pull().hasMore());
    assertTrue(first.body().length <= budget, "page of " + first.body().length + " bytes");
    assertEquals(List.of(3L, 4L), seqs(second));
    assertTrue(second.hasMore());
    assertEquals(List.of(5L), seqs(last));
    assertFalse(last.hasMore());
  }

  @Test
  void pull_singleMutationOverTheByteBudget_comesAloneWithHasMore() {
    start(ServerLimits.builder().maxBodyBytes(64 * 1024).maxPageBytes(16 * 1024).build());
    String payload = "\"" + "y".repeat(40 * 1024) + "\"";
    client.push(
        ALICE,
        Pushes.body(
            "r1",
            1,
            Pushes.mutation(1, "notes", "a", payload),
            Pushes.mutation(2, "notes", "b", "1")));

    PullResponse first = client.pull(ALICE, 0, 500, 0).pull();

    assertEquals(List.of(1L), seqs(first));
    assertTrue(first.hasMore());
    assertEquals(payload, first.mutations().get(0).payload().json());
    assertEquals(List.of(2L), seqs(client.pull(ALICE, 1, 500, 0).pull()));
  }

  /**
   * The reviewer's case at a sixteenth of the size: nine mutations near the body limit add up to
   * more than the client accepts in one response. Pages must stay under it, so the client's cursor
   * moves instead of failing PROTOCOL forever.
   */
  @Test
  void pull_manyLargeMutations_everyPageFitsTheClientsResponseLimit() {
    FerryServer s =
        start(ServerLimits.builder().maxBodyBytes(512 * 1024).maxPageBytes(256 * 1024).build());
    String payload = "\"" + "z".repeat(500 * 1024) + "\"";
    for (int i = 1; i <= 9; i++) {
      assertEquals(
          200,
          client
              .push(ALICE, Pushes.body("r1", 1, Pushes.mutation(i, "notes", "k", payload)))
              .status());
    }

    List<Long> seen = new ArrayList<>();
    try (HttpSyncTransport transport =
        HttpSyncTransport.builder()
            .baseUrl(s.baseUri().toString())
            .token(ALICE)
            .maxResponseBytes(4 * 1024 * 1024)
            .build()) {
      PullResponse page;
      long cursor = 0;
      do {
        page = transport.pull(cursor, 500, Duration.ZERO);
        for (PulledMutation m : page.mutations()) {
          seen.add(m.seq());
          cursor = m.seq();
        }
      } while (page.hasMore());
    }

    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), seen);
  }

  @Test
  void pull_limitAboveTheCap_isCapped() {
    start(ServerLimits.builder().defaultPullLimit(3).maxPullLimit(4).build());
    client.push(ALICE, Pushes.range("r1", 1, "notes", 1, 6));

    assertEquals(4, client.pull(ALICE, 0, 1_000_000, 0).pull().mutations().size());
    assertEquals(3, client.send(client.get("/v1/pull", ALICE).build()).pull().mutations().size());
  }

  @Test
  void pull_invalidParameters_are400() {
    start();

    assertError(
        client.send(client.get("/v1/pull?since=abc", ALICE).build()),
        400,
        "validation",
        "invalid_parameter");
    assertError(
        client.send(client.get("/v1/pull?since=-1", ALICE).build()),
        400,
        "validation",
        "invalid_parameter");
    assertError(
        client.send(client.get("/v1/pull?limit=0", ALICE).build()),
        400,
        "validation",
        "invalid_parameter");
    assertError(
        client.send(client.get("/v1/pull?wait_ms=1e3", ALICE).build()),
        400,
        "validation",
        "invalid_parameter");
    assertError(
        client.send(client.get("/v1/pull?since=1&since=2", ALICE).build()),
        400,
        "validation",
        "invalid_parameter");
    assertError(
        client.send(client.get("/v1/pull?since=99999999999999999999", ALICE).build()),
        400,
        "validation",
        "invalid_parameter");
  }

  @Test
  void unknownPathAndWrongMethod_answerWithErrorBodies() {
    start();

    assertError(
        client.send(client.get("/v2/pull", ALICE).build()), 404, "unsupported", "unknown_path");
    assertError(
        client.send(client.get("/v1/pushx", ALICE).build()), 404, "unsupported", "unknown_path");
    assertError(
        client.send(client.get("/v1/push", ALICE).build()),
        405,
        "validation",
        "method_not_allowed");
    HttpRequest deletePull = client.get("/v1/pull", ALICE).DELETE().build();
    assertError(client.send(deletePull), 405, "validation", "method_not_allowed");
  }

  @Test
  void push_malformedOrMisshapedBodies_are400WithErrorBody() {
    start();

    assertError(client.push(ALICE, "{\"replica_id\":"), 400, "validation", "malformed_json");
    assertError(client.push(ALICE, ""), 400, "validation", "invalid_request");
    assertError(
        client.push(ALICE, "{\"replica_id\":\"r\",\"lease_epoch\":1}"),
        400,
        "validation",
        "invalid_request");
    assertError(
        client.push(ALICE, "{\"replica_id\":\"r\",\"lease_epoch\":\"1\",\"mutations\":[]}"),
        400,
        "validation",
        "invalid_request");
    assertError(
        client.push(ALICE, Pushes.range("r", 1, "notes", 1, 1) + "{}"),
        400,
        "validation",
        "invalid_request");
    assertTrue(client.pull(ALICE, 0, 10, 0).pull().mutations().isEmpty());
  }

  protected static void assertError(Reply r, int status, String errorClass, String errorCode) {
    assertEquals(status, r.status(), r.text());
    assertNotNull(r.contentType());
    assertTrue(r.contentType().startsWith("application/json"), r.contentType());
    ErrorBody body = r.error();
    assertEquals(errorClass, body.errorClass(), r.text());
    assertEquals(errorCode, body.errorCode(), r.text());
    assertFalse(body.error().isBlank());
    Set<String> expected =
        status == 409
            ? Set.of("error_class", "error_code", "error", "seen_epoch")
            : Set.of("error_class", "error_code", "error");
    assertEquals(expected, fieldNames(r.json()));
  }

  private static Set<String> fieldNames(JsonNode node) {
    Set<String> names = new HashSet<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  protected static List<Long> seqs(PullResponse page) {
    return page.mutations().stream().map(PulledMutation::seq).toList();
  }
}
