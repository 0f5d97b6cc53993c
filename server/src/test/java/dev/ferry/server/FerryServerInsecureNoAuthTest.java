package dev.ferry.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.server.TestClient.Reply;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link FerryServer.Builder#insecureNoAuth}: a development server that asks for no token. */
class FerryServerInsecureNoAuthTest {

  private static final String PUSH =
      "{\"replica_id\":\"r-1\",\"lease_epoch\":1,\"mutations\":[{\"client_seq\":1,\"project\":\"notes\","
          + "\"entity\":\"note\",\"entity_key\":\"n-1\",\"op\":\"upsert\",\"payload\":{\"t\":1},"
          + "\"created_at\":\"2026-11-21T10:00:00.000Z\"}]}";

  @TempDir Path dir;

  @Test
  void insecureNoAuth_requestsWithoutATokenReadAndWriteTheTenant_andTheStartIsLoggedLoudly()
      throws Exception {
    FerryServer[] holder = new FerryServer[1];
    String log =
        LogCapture.during(
            () ->
                holder[0] =
                    FerryServer.builder()
                        .storage(MutationLog.sqlite(dir.resolve("s.db")))
                        .port(0)
                        .insecureNoAuth("default")
                        .build()
                        .start());
    try (FerryServer server = holder[0]) {
      assertTrue(log.contains("WARN"), log);
      assertTrue(log.contains("AUTHENTICATION IS OFF"), log);
      assertTrue(log.contains("'default'"), log);

      TestClient client = new TestClient(server.baseUri());
      Reply pushed =
          client.send(
              client.post("/v1/push", null, PUSH.getBytes(StandardCharsets.UTF_8)).build());
      assertEquals(200, pushed.status(), pushed.text());
      assertEquals("accepted", pushed.json().at("/results/0/status").asText());

      Reply pulled = client.pull("any-token-at-all-0123", 0, 10, 0);
      assertEquals(200, pulled.status(), pulled.text());
      assertEquals(1, pulled.pull().mutations().size());

      Reply whoami = client.send(client.get("/v1/whoami", null).build());
      assertEquals("default", whoami.json().get("tenant").asText(), whoami.text());
    }
  }

  @Test
  void insecureNoAuth_knownTokenKeepsItsOwnGrant() {
    try (FerryServer server =
        FerryServer.builder()
            .storage(MutationLog.sqlite(dir.resolve("s.db")))
            .port(0)
            .grant(
                new TokenGrant(
                    "reader-token-0123456789",
                    "other",
                    Set.of("notes"),
                    Set.of()))
            .insecureNoAuth("default")
            .build()
            .start()) {
      Reply refused = new TestClient(server.baseUri()).push("reader-token-0123456789", PUSH);

      assertEquals(403, refused.status(), refused.text());
    }
  }

  @Test
  void insecureNoAuth_blankTenant_isRefused() {
    FerryServer.Builder b = FerryServer.builder();

    assertThrows(IllegalArgumentException.class, () -> b.insecureNoAuth(" "));
    assertThrows(IllegalArgumentException.class, () -> b.insecureNoAuth("a\nb"));
  }
}
