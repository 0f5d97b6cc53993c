package dev.ferry.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.server.TestClient.Reply;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Prometheus metrics on their own loopback listener, and one access-log line per request. */
class MetricsTest {

  private static final String TOKEN = "metrics-token-0123456789";

  @TempDir Path dir;

  private FerryServer.Builder builder() {
    return FerryServer.builder()
        .storage(MutationLog.sqlite(dir.resolve("s.db")))
        .port(0)
        .grant(TokenGrant.allProjects(TOKEN, "acme"));
  }

  @Test
  void metricsListener_servesPrometheusText_separateFromTheApi() throws Exception {
    try (FerryServer server = builder().metricsPort(0).build().start()) {
      TestClient api = new TestClient(server.baseUri());
      assertEquals(200, api.push(TOKEN, Pushes.range("r", 1, "p", 1, 3)).status());
      assertEquals(200, api.push(TOKEN, Pushes.range("r", 1, "p", 1, 3)).status(), "duplicates");
      assertEquals(200, api.pull(TOKEN, 0, 10, 0).status());
      assertEquals(404, api.send(api.get("/nowhere", null).build()).status());
      CompletableFuture<Reply> parked = api.pullAsync(TOKEN, 3, 10, 30_000);
      Await.until("a long-poll is parked", () -> server.parkedPulls() == 1);

      URI metrics = server.metricsUri();
      assertEquals("127.0.0.1", metrics.getHost());
      assertTrue(metrics.getPort() != server.port());
      TestClient scraper = new TestClient(URI.create("http://127.0.0.1:" + metrics.getPort()));
      Reply scraped = scraper.send(scraper.get("/metrics", null).build());
      String text = scraped.text();

      assertEquals(200, scraped.status(), text);
      assertTrue(scraped.contentType().startsWith("text/plain"), scraped.contentType());
      assertTrue(text.contains("ferry_http_requests_total{endpoint=\"push\",status=\"200\"} 2.0"), text);
      assertTrue(text.contains("ferry_http_requests_total{endpoint=\"pull\",status=\"200\"} 1.0"), text);
      assertTrue(text.contains("ferry_mutations_appended_total 3.0"), text);
      assertTrue(text.contains("ferry_append_seconds_count 2"), text);
      assertTrue(text.contains("ferry_long_polls_parked{tenant=\"acme\"} 1.0"), text);
      assertTrue(text.contains("ferry_http_rejected_total{reason=\"unknown_path\"} 1.0"), text);
      assertTrue(text.contains("ferry_http_connections_open"), text);
      assertFalse(text.contains(TOKEN));
      assertEquals(404, scraper.send(scraper.get("/v1/health", null).build()).status());
      assertEquals(404, api.send(api.get("/metrics", null).build()).status());

      assertEquals(200, api.push(TOKEN, Pushes.range("r", 1, "p", 4, 4)).status());
      assertEquals(200, parked.get(30, TimeUnit.SECONDS).status());
    }
  }

  @Test
  void noMetricsPort_noListener() {
    try (FerryServer server = builder().build().start()) {
      assertThrows(IllegalStateException.class, server::metricsUri);
    }
  }

  @Test
  void accessLog_oneLinePerRequest_withTenantAndSizes_neverTheToken() throws Exception {
    try (FerryServer server = builder().build().start()) {
      TestClient api = new TestClient(server.baseUri());
      String log =
          LogCapture.during(
              () -> {
                api.push(TOKEN, Pushes.range("r", 1, "p", 1, 2));
                api.send(api.get("/v1/pull?since=0&secret=" + TOKEN, "wrong-token-0123456789").build());
              });

      assertTrue(
          log.matches(
              "(?s).*method=POST path=/v1/push status=200 tenant=acme bytes_in=\\d+ bytes_out=\\d+"
                  + " duration_ms=[0-9.]+.*"),
          log);
      assertTrue(log.contains("method=GET path=/v1/pull status=401 tenant=- "), log);
      assertFalse(log.contains(TOKEN), log);
      assertFalse(log.contains("wrong-token"), log);
    }
  }
}
