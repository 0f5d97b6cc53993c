package dev.ferry.server.internal.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.server.Await;
import dev.ferry.server.ChildServer;
import dev.ferry.server.FerryServer;
import dev.ferry.server.LogCapture;
import dev.ferry.server.MutationLog;
import dev.ferry.server.MutationLogConformance;
import dev.ferry.server.Pushes;
import dev.ferry.server.TestClient;
import dev.ferry.server.TestClient.Reply;
import dev.ferry.server.TokenGrant;
import dev.ferry.transport.wire.PulledMutation;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The conformance suite on PostgreSQL, plus what only PostgreSQL promises: several server processes
 * sharing one database (the second server runs in its own JVM, see {@link ChildServer}), and
 * recovery when the database drops the server's connections. Each test uses its own schema. Skipped
 * without {@code FERRY_TEST_PG_URL}.
 */
class PostgresMutationLogTest extends MutationLogConformance {

  private static final String URL = System.getenv("FERRY_TEST_PG_URL");

  private final String schema =
      "ferry_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);

  @BeforeEach
  void requirePostgres() {
    Assumptions.assumeTrue(URL != null && !URL.isBlank(), "FERRY_TEST_PG_URL is not set");
  }

  @Override
  protected MutationLog openLog() {
    return MutationLog.postgres(URL, schema);
  }

  @Override
  protected void afterServerStopped() {
    if (URL == null || URL.isBlank()) {
      return;
    }
    dropSchema(schema);
  }

  private static void dropSchema(String name) {
    try (Connection c = DriverManager.getConnection(URL);
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot drop test schema " + name, e);
    }
  }

  @Test
  void connectionsKilled_poolAndNotificationListenerRecover() throws Exception {
    String app = "ferry_" + schema;
    String url = URL + (URL.contains("?") ? "&" : "?") + "ApplicationName=" + app;
    try (FerryServer a = serverOn(MutationLog.postgres(url, schema));
        FerryServer b = serverOn(MutationLog.postgres(url, schema))) {
      TestClient viaA = new TestClient(a.baseUri());
      TestClient viaB = new TestClient(b.baseUri());
      assertEquals(200, viaA.push(ALICE, Pushes.range("r1", 1, "notes", 1, 1)).status());

      try (Connection c = DriverManager.getConnection(URL);
          Statement s = c.createStatement()) {
        s.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '"
                + app
                + "'");
      }

      List<Integer> statuses = new ArrayList<>();
      Await.until(
          "pushes succeed again",
          () -> {
            int status = viaA.push(ALICE, Pushes.range("r1", 1, "notes", 2, 2)).status();
            statuses.add(status);
            return status == 200;
          });
      assertTrue(statuses.stream().allMatch(st -> st == 200 || st == 503), statuses.toString());
      statuses.clear();
      Await.until(
          "pulls through the other server succeed again",
          () -> {
            int status = viaB.pull(ALICE, 2, 10, 0).status();
            statuses.add(status);
            return status == 200;
          });
      assertTrue(statuses.stream().allMatch(st -> st == 200 || st == 503), statuses.toString());
      CompletableFuture<Reply> parked = viaB.pullAsync(ALICE, 2, 10, 60_000);
      Await.until("the pull is parked", () -> b.parkedPulls() == 1);
      viaA.push(ALICE, Pushes.range("r1", 1, "notes", 3, 3));
      assertEquals(List.of(3L), seqs(parked.get(30, TimeUnit.SECONDS).pull()));
    }
  }

  private static FerryServer serverOn(MutationLog log) {
    return FerryServer.builder()
        .storage(log)
        .port(0)
        .grant(TokenGrant.allProjects(ALICE, "acme"))
        .build()
        .start();
  }

  @Test
  void logs_failedBatchInsert_containNoPayload() throws Exception {
    start();
    try (Connection c = DriverManager.getConnection(URL);
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE FUNCTION "
              + schema
              + ".refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION"
              + " 'refused by test'; END $$");
      s.execute(
          "CREATE TRIGGER refuse BEFORE INSERT ON "
              + schema
              + ".ferry_log FOR EACH ROW EXECUTE FUNCTION "
              + schema
              + ".refuse()");
    }
    String payload = "{\"secret\":\"payload-that-must-not-be-logged-9\"}";

    String log =
        LogCapture.during(
            () -> {
              Reply r =
                  client.push(
                      ALICE, Pushes.body("r1", 1, Pushes.mutation(1, "notes", "k", payload)));
              assertEquals(503, r.status(), r.text());
            });

    assertTrue(log.contains("storage failure"), log);
    assertTrue(log.contains("SQLState P0001"), "the database's error is named: " + log);
    assertFalse(log.contains("payload-that-must-not-be-logged"), log);
  }

  @Test
  void longestSchemaName_pushesAndWakesLongPollsAcrossLogs() throws Exception {
    // 50 characters, the most a schema may have: with a plain prefix the NOTIFY channel would be
    // 64 bytes, one more than PostgreSQL allows, and every push would fail.
    String longSchema = (schema + "_" + "x".repeat(50)).substring(0, 50);
    try (FerryServer a = serverOn(MutationLog.postgres(URL, longSchema));
        FerryServer b = serverOn(MutationLog.postgres(URL, longSchema))) {
      TestClient viaA = new TestClient(a.baseUri());
      CompletableFuture<Reply> parked = viaA.pullAsync(ALICE, 0, 10, 60_000);
      Await.until("the pull is parked", () -> a.parkedPulls() == 1);

      Reply pushed = new TestClient(b.baseUri()).push(ALICE, Pushes.range("r1", 1, "notes", 1, 1));

      assertEquals(200, pushed.status(), pushed.text());
      assertEquals(List.of(1L), seqs(parked.get(30, TimeUnit.SECONDS).pull()));
    } finally {
      dropSchema(longSchema);
    }
  }

  @Test
  void concurrentPushers_databaseDefaultsToRepeatableRead_stillGaplessInCommitOrder()
      throws Exception {
    // A stricter default isolation makes a transaction's snapshot older than the advisory lock it
    // waits for, so it would read a stale highest seq. Set for this test's connections only.
    String url =
        URL
            + (URL.contains("?") ? "&" : "?")
            + "options=-c%20default_transaction_isolation%3Drepeatable%5C%20read";
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SHOW default_transaction_isolation")) {
      assertTrue(r.next());
      assertEquals("repeatable read", r.getString(1), "the test's connections default to it");
    }
    try (FerryServer server = serverOn(MutationLog.postgres(url, schema))) {
      TestClient via = new TestClient(server.baseUri());

      List<PulledMutation> seen =
          pushConcurrentlyWhileFollowing(new TestClient[] {via}, via, 4, 10, 20);

      assertGaplessAndOnce(seen, 4 * 10 * 20);
    }
  }

  @Test
  void open_invalidSchemaName_isRefusedBeforeConnecting() {
    assertThrows(IllegalArgumentException.class, () -> MutationLog.postgres(URL, "Bad-Name"));
    assertThrows(
        IllegalArgumentException.class, () -> MutationLog.postgres(URL, "x; drop table y"));
    assertThrows(IllegalArgumentException.class, () -> MutationLog.postgres("jdbc:sqlite:x", "ok"));
  }

  @Test
  void twoServers_longPollOnOne_wakesOnCommitThroughTheOther() throws Exception {
    FerryServer here = start();
    try (ChildServer other = ChildServer.postgres(URL, schema, ALICE, "acme")) {
      CompletableFuture<Reply> parked = client.pullAsync(ALICE, 0, 10, 60_000);
      Await.until("the pull is parked", () -> here.parkedPulls() == 1);

      new TestClient(other.baseUri()).push(ALICE, Pushes.range("r1", 1, "notes", 1, 1));

      assertEquals(List.of(1L), seqs(parked.get(30, TimeUnit.SECONDS).pull()));
    }
  }

  @Test
  void twoServers_concurrentPushersOnBothProcesses_pullerSeesEveryMutationOnceInCommitOrder()
      throws Exception {
    start();
    try (ChildServer other = ChildServer.postgres(URL, schema, ALICE, "acme")) {
      TestClient[] both = {client, new TestClient(other.baseUri())};

      List<PulledMutation> seen = pushConcurrentlyWhileFollowing(both, client, 6, 15, 40);

      assertGaplessAndOnce(seen, 6 * 15 * 40);
    }
  }
}
