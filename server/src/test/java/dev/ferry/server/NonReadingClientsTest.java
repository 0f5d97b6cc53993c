package dev.ferry.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.server.TestClient.Reply;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that never read their answer cost only their own connection: two long-polls woken by an
 * 8 MiB push and four pullers of that page leave their answers unread, and another tenant's
 * long-polls are still answered within a second of its commits.
 */
class NonReadingClientsTest {

  private static final String BIG = "big-tenant-token-0123456789";
  private static final String OTHER = "other-tenant-token-0123456789";

  @TempDir Path dir;
  private FerryServer server;

  @BeforeEach
  void start() {
    server =
        FerryServer.builder()
            .storage(MutationLog.sqlite(dir.resolve("s.db")))
            .port(0)
            .grant(TokenGrant.allProjects(BIG, "big"))
            .grant(TokenGrant.allProjects(OTHER, "other"))
            .limits(ServerLimits.builder().maxWait(Duration.ofSeconds(60)).build())
            .build()
            .start();
  }

  @AfterEach
  void stop() {
    server.stop(Duration.ofSeconds(5));
  }

  @Test
  void nonReadingLongPollsAndPullersOfAn8MiBPage_otherTenantsLongPollsStillAnsweredWithinASecond()
      throws Exception {
    TestClient client = new TestClient(server.baseUri());
    List<RawHttp> stuck = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        stuck.add(
            RawHttp.connect(server.baseUri(), 4096)
                .send(
                    "GET /v1/pull?since=0&wait_ms=60000 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                        + BIG
                        + "\r\n\r\n"));
      }
      Await.until("both long-polls are parked", () -> server.parkedPulls() == 2);
      String payload = "{\"s\":\"" + "x".repeat(8 * 1024 * 1024 - 400) + "\"}";
      Reply big = client.push(BIG, Pushes.body("r", 1, Pushes.mutation(1, "p", "k", payload)));
      assertEquals(200, big.status(), big.text());
      Await.until("both long-polls are woken", () -> server.parkedPulls() == 0);
      for (int i = 0; i < 4; i++) {
        stuck.add(
            RawHttp.connect(server.baseUri(), 4096)
                .send(
                    "GET /v1/pull?since=0 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                        + BIG
                        + "\r\n\r\n"));
      }

      for (int i = 1; i <= 3; i++) {
        long since = i - 1;
        CompletableFuture<Reply> poll = client.pullAsync(OTHER, since, 10, 60_000);
        Await.until("the other tenant's long-poll is parked", () -> server.parkedPulls() == 1);
        Reply pushed = client.push(OTHER, Pushes.range("o", 1, "p", i, i));
        long committed = System.nanoTime();
        assertEquals(200, pushed.status(), pushed.text());
        Reply woken = poll.get(30, TimeUnit.SECONDS);
        long millis = (System.nanoTime() - committed) / 1_000_000;

        assertEquals(200, woken.status(), woken.text());
        assertEquals(1, woken.pull().mutations().size());
        assertTrue(millis < 1_000, "answered " + millis + " ms after the commit");
      }
      assertEquals(200, client.send(client.get("/v1/health", null).build()).status());
    } finally {
      stuck.forEach(RawHttp::close);
    }
  }
}
