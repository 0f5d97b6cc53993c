package dev.ferry.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.server.TestClient.Reply;
import dev.ferry.transport.HttpSyncTransport;
import dev.ferry.transport.TransportException;
import dev.ferry.transport.wire.ErrorBody;
import dev.ferry.transport.wire.PullResponse;
import dev.ferry.transport.wire.PulledMutation;
import dev.ferry.transport.wire.PushMutation;
import dev.ferry.transport.wire.PushRequest;
import dev.ferry.transport.wire.PushResult;
import dev.ferry.transport.wire.RawJson;
import dev.ferry.transport.wire.WireJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a push may do to replicas it does not own, run over real HTTP against each storage: a
 * replica is bound to the principal that first stored its mutations, and another principal pushing
 * under its id is refused without learning anything or fencing it. Payload fidelity and malformed
 * bodies are in {@link PayloadFidelityConformance}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class PushIntegrityConformance {

  protected static final String ALICE = "alice-token-0123456789";
  protected static final String ALICE_ROTATED = "alice-rotated-token-0123456789";
  protected static final String NOTES_ONLY = "notes-only-token-0123456789";

  private FerryServer server;
  private TestClient client;

  /** A log private to the running test; empty on the test's first call, the same one after. */
  protected abstract MutationLog openLog();

  /** Runs one SQL statement on the test's log, as an operator would (for a log's older state). */
  protected abstract void execute(String sql);

  /** Runs after the test's server (and so its log) has stopped: drop what the test created. */
  protected void afterServerStopped() {}

  private static List<TokenGrant> grants() {
    return List.of(
        TokenGrant.allProjects(ALICE, "acme").withName("alice"),
        new TokenGrant(NOTES_ONLY, "acme", "notes-writer", Set.of("notes"), Set.of("notes")));
  }

  private FerryServer start(List<TokenGrant> grants) {
    if (server != null) {
      server.stop(Duration.ofSeconds(5));
    }
    server = FerryServer.builder().storage(openLog()).port(0).grants(grants).build().start();
    client = new TestClient(server.baseUri());
    return server;
  }

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

  @Test
  void otherPrincipal_underABoundReplicaId_is403AndTheOwnerKeepsSyncing() {
    FerryServer s = start(grants());
    try (HttpSyncTransport alice = transport(s, ALICE);
        HttpSyncTransport narrow = transport(s, NOTES_ONLY)) {
      assertEquals(
          List.of(PushResult.accepted(1, 1)), alice.push(push("r1", 3, 1, "notes")).results());

      Reply fence = client.push(NOTES_ONLY, Pushes.range("r1", Long.MAX_VALUE, "notes", 2, 2));
      Reply empty = client.push(NOTES_ONLY, Pushes.body("r1", Long.MAX_VALUE));
      TransportException viaTransport =
          assertThrows(TransportException.class, () -> narrow.push(push("r1", 9, 3, "notes")));

      assertReplicaForbidden(fence);
      assertReplicaForbidden(empty);
      assertEquals(TransportException.Kind.FORBIDDEN, viaTransport.kind());
      assertEquals("replica_forbidden", viaTransport.errorCode().orElseThrow());
      assertEquals(
          List.of(PushResult.accepted(2, 2)),
          alice.push(push("r1", 3, 2, "notes")).results(),
          "the owner's epoch was not raised");
      PullResponse page = alice.pull(0, 10, Duration.ZERO);
      assertEquals(List.of(1L, 2L), page.mutations().stream().map(PulledMutation::clientSeq).toList());
      assertEquals(2, page.latestSeq());
      assertEquals(
          List.of(PushResult.accepted(1, 3)),
          narrow.push(push("its-own", 1, 1, "notes")).results(),
          "the narrow writer still writes under its own replica ids");
    }
  }

  @Test
  void guessedMutation_byAPrincipalThatCannotRead_learnsNothing() {
    start(grants());
    String billing = Pushes.mutation(1, "billing", "i-9", "{\"total\":\"12.50\"}");
    client.push(ALICE, Pushes.body("r1", 1, billing));

    Reply rightGuess = client.push(NOTES_ONLY, Pushes.body("r1", 1, billing));
    Reply wrongGuess =
        client.push(
            NOTES_ONLY,
            Pushes.body("r1", 1, Pushes.mutation(1, "billing", "i-9", "{\"total\":\"99\"}")));
    Reply mixed =
        client.push(
            NOTES_ONLY,
            Pushes.body("r1", Long.MAX_VALUE, billing, Pushes.mutation(2, "notes", "n", "1")));

    assertReplicaForbidden(rightGuess);
    assertArrayEquals(rightGuess.body(), wrongGuess.body(), "a right guess answers like a wrong one");
    assertArrayEquals(rightGuess.body(), mixed.body());
    assertEquals(1, client.pull(ALICE, 0, 10, 0).pull().latestSeq(), "nothing stored");
    assertEquals(
        List.of(PushResult.duplicate(1, 1), PushResult.accepted(2, 2)),
        client.push(ALICE, Pushes.body("r1", 1, billing, Pushes.mutation(2, "notes", "n", "1")))
            .push()
            .results(),
        "the owner's epoch was not raised");
  }

  @Test
  void twoPrincipalsRacingForANewReplica_onlyOneBindsIt() throws Exception {
    start(grants());
    int rounds = 15;
    for (int i = 0; i < rounds; i++) {
      String replica = "race-" + i;
      var a = client.sendAsync(post(ALICE, Pushes.range(replica, 1, "notes", 1, 1)));
      var b = client.sendAsync(post(NOTES_ONLY, Pushes.range(replica, 1, "notes", 1, 1)));
      List<Integer> statuses =
          List.of(a.get(30, TimeUnit.SECONDS).status(), b.get(30, TimeUnit.SECONDS).status());
      assertTrue(statuses.contains(200) && statuses.contains(403), replica + ": " + statuses);
    }
    PullResponse all = client.pull(ALICE, 0, 100, 0).pull();
    assertEquals(rounds, all.mutations().size());
    assertEquals(rounds, all.mutations().stream().map(PulledMutation::replicaId).distinct().count());
  }

  @Test
  void tokensSharingAName_shareReplicas_soARotatedTokenKeepsThem() {
    TokenGrant old = TokenGrant.allProjects(ALICE, "acme").withName("alice");
    TokenGrant rotated = TokenGrant.allProjects(ALICE_ROTATED, "acme").withName("alice");
    start(List.of(old, rotated));
    assertEquals(200, client.push(ALICE, Pushes.range("r1", 1, "notes", 1, 1)).status());
    assertEquals(200, client.push(ALICE_ROTATED, Pushes.range("r1", 1, "notes", 2, 2)).status());

    start(List.of(rotated));
    assertEquals(200, client.push(ALICE_ROTATED, Pushes.range("r1", 1, "notes", 3, 3)).status());

    start(List.of(rotated.withName("someone-else")));
    assertReplicaForbidden(client.push(ALICE_ROTATED, Pushes.range("r1", 1, "notes", 4, 4)));
  }

  @Test
  void replicaStoredBeforeBindingsExisted_isBoundOnItsNextPushThatWrites() {
    start(grants());
    String secret = Pushes.mutation(1, "secret", "s", "1");
    client.push(ALICE, Pushes.body("r1", 1, secret));
    // The log as a server of the previous version left it: mutations, epochs, no bindings.
    server.stop(Duration.ofSeconds(5));
    execute("DROP TABLE ferry_replica_owners");
    start(grants());

    // Unbound: a refused mutation is not looked up for a principal the replica is not bound to,
    // and a push that stores nothing binds nothing.
    PushResult probe = client.push(NOTES_ONLY, Pushes.body("r1", 1, secret)).push().results().get(0);
    Reply owner = client.push(ALICE, Pushes.range("r1", 1, "notes", 2, 2));
    Reply after = client.push(NOTES_ONLY, Pushes.range("r1", 1, "notes", 3, 3));

    assertEquals("policy_forbidden", probe.code());
    assertEquals(List.of(PushResult.accepted(2, 2)), owner.push().results());
    assertReplicaForbidden(after);
  }

  private HttpRequest post(String token, String body) {
    return client.post("/v1/push", token, body.getBytes(StandardCharsets.UTF_8)).build();
  }

  private static HttpSyncTransport transport(FerryServer s, String token) {
    return HttpSyncTransport.builder().baseUrl(s.baseUri().toString()).token(token).build();
  }

  private static PushRequest push(String replica, long epoch, long clientSeq, String project) {
    return new PushRequest(
        replica,
        epoch,
        List.of(
            new PushMutation(
                clientSeq,
                project,
                "note",
                "k-" + clientSeq,
                "upsert",
                RawJson.of("{\"n\":" + clientSeq + "}"),
                Instant.parse("2026-11-21T10:00:00Z"))));
  }

  static void assertReplicaForbidden(Reply r) {
    assertEquals(403, r.status(), r.text());
    assertNotNull(r.contentType());
    ErrorBody body;
    try {
      body = WireJson.mapper().readValue(r.body(), ErrorBody.class);
    } catch (IOException e) {
      throw new UncheckedIOException(r.text(), e);
    }
    assertEquals("policy", body.errorClass());
    assertEquals("replica_forbidden", body.errorCode());
  }
}
