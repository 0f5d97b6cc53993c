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
 * Long-poll slots are counted per tenant and freed when their client goes away: a greedy tenant
 * fills only its own share, and a thousand clients hanging up at once give their slots back within
 * a second.
 */
class LongPollFairnessTest {

  private static final String GREEDY = "greedy-tenant-token-0123456789";
  private static final String OTHER = "other-tenant-token-0123456789";
  private static final int SHARE = 1_000;

  @TempDir Path dir;
  private FerryServer server;
  private TestClient client;

  @BeforeEach
  void start() {
    server =
        FerryServer.builder()
            .storage(MutationLog.sqlite(dir.resolve("s.db")))
            .port(0)
            .grant(TokenGrant.allProjects(GREEDY, "greedy"))
            .grant(TokenGrant.allProjects(OTHER, "other"))
            .limits(
                ServerLimits.builder()
                    .maxWaitersPerTenant(SHARE)
                    .maxWaiters(SHARE + 200)
                    .maxWait(Duration.ofSeconds(60))
                    .build())
            .build()
            .start();
    client = new TestClient(server.baseUri());
  }

  @AfterEach
  void stop() {
    server.stop(Duration.ofSeconds(5));
  }

  @Test
  void thousandLongPollsHangUp_slotsFreeWithinASecond_andOtherTenantIsNeverRefused()
      throws Exception {
    List<RawHttp> greedy = new ArrayList<>();
    try {
      for (int i = 0; i < SHARE; i++) {
        greedy.add(
            RawHttp.connect(server.baseUri())
                .send(
                    "GET /v1/pull?since=0&wait_ms=60000 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                        + GREEDY
                        + "\r\n\r\n"));
      }
      Await.until("the greedy tenant's share is parked", () -> server.parkedPulls() == SHARE);

      // Its share is full: one more is refused, while the other tenant parks and is woken.
      Reply refused = client.pull(GREEDY, 0, 10, 60_000);
      assertEquals(429, refused.status(), refused.text());
      assertEquals("too_many_long_polls", refused.error().errorCode());
      CompletableFuture<Reply> otherPoll = client.pullAsync(OTHER, 0, 10, 60_000);
      Await.until("the other tenant's long-poll is parked", () -> server.parkedPulls() == SHARE + 1);
      assertEquals(200, client.push(OTHER, Pushes.range("o", 1, "p", 1, 1)).status());
      Reply woken = otherPoll.get(10, TimeUnit.SECONDS);
      assertEquals(200, woken.status(), woken.text());
      assertEquals(1, woken.pull().mutations().size());

      greedy.forEach(RawHttp::close);
      long hangUp = System.nanoTime();
      Await.until("every slot is free", () -> server.parkedPulls() == 0);
      long freedMillis = (System.nanoTime() - hangUp) / 1_000_000;

      assertTrue(freedMillis < 1_000, "slots freed after " + freedMillis + " ms");
      CompletableFuture<Reply> again = client.pullAsync(GREEDY, 0, 10, 60_000);
      Await.until("the greedy tenant parks again", () -> server.parkedPulls() == 1);
      assertEquals(200, client.push(GREEDY, Pushes.range("g", 1, "p", 1, 1)).status());
      assertEquals(200, again.get(10, TimeUnit.SECONDS).status());
    } finally {
      greedy.forEach(RawHttp::close);
    }
  }

  @Test
  void longPoll_answered_keepsItsConnectionForTheNextRequest() throws Exception {
    try (RawHttp raw = RawHttp.connect(server.baseUri())) {
      raw.send(
          "GET /v1/pull?since=0&wait_ms=30000 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
              + OTHER
              + "\r\n\r\n");
      Await.until("the long-poll is parked", () -> server.parkedPulls() == 1);
      assertEquals(200, client.push(OTHER, Pushes.range("o", 1, "p", 1, 1)).status());
      RawHttp.Response woken = raw.read();
      assertEquals(200, woken.status(), woken.text());
      assertTrue(woken.text().contains("\"seq\":1"), woken.text());

      RawHttp.Response next = raw.send("GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n").read();

      assertEquals(200, next.status(), "the same connection answers again: " + next.text());
    }
  }

  @Test
  void longPoll_longerThanTheIdleTimeout_isAnsweredAtTheEndOfItsWait() throws Exception {
    server.stop(Duration.ofSeconds(1));
    server =
        FerryServer.builder()
            .storage(MutationLog.sqlite(dir.resolve("idle.db")))
            .port(0)
            .grant(TokenGrant.allProjects(OTHER, "other"))
            .limits(ServerLimits.builder().idleTimeout(Duration.ofMillis(300)).build())
            .build()
            .start();
    client = new TestClient(server.baseUri());
    long start = System.nanoTime();

    Reply r = client.pull(OTHER, 0, 10, 1_500);

    long tookMillis = (System.nanoTime() - start) / 1_000_000;
    assertEquals(200, r.status(), r.text());
    assertTrue(r.pull().mutations().isEmpty());
    assertTrue(tookMillis >= 1_400, "held for its wait, not cut at the idle timeout: " + tookMillis);
  }
}
