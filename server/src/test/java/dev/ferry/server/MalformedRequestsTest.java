package dev.ferry.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.transport.wire.WireJson;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests that are not valid HTTP/1.1, or that Jetty refuses before any endpoint sees them, are
 * answered with the documented error body, never 5xx, and store nothing, even when the broken
 * framing carries a valid push.
 */
class MalformedRequestsTest {

  private static final String TOKEN = "malformed-token-0123456789";

  @TempDir Path dir;
  private FerryServer server;

  @BeforeEach
  void start() {
    server =
        FerryServer.builder()
            .storage(MutationLog.sqlite(dir.resolve("s.db")))
            .port(0)
            .grant(TokenGrant.allProjects(TOKEN, "t"))
            .build()
            .start();
  }

  @AfterEach
  void stop() {
    server.stop(Duration.ofSeconds(5));
  }

  @Test
  void malformedRequests_answerTheErrorJson_never5xx_storeNothing() throws Exception {
    String push = Pushes.range("r", 1, "p", 1, 1);
    String auth = "Authorization: Bearer " + TOKEN + "\r\n";
    String post = "POST /v1/push HTTP/1.1\r\nHost: x\r\n" + auth;
    Map<String, String> requests = new LinkedHashMap<>();
    requests.put("bad Content-Length", post + "Content-Length: abc\r\n\r\n" + push);
    requests.put("negative Content-Length", post + "Content-Length: -5\r\n\r\n" + push);
    requests.put(
        "two Content-Lengths",
        post + "Content-Length: " + push.length() + "\r\nContent-Length: 3\r\n\r\n" + push);
    requests.put(
        "Transfer-Encoding and Content-Length",
        post
            + "Transfer-Encoding: chunked\r\nContent-Length: "
            + push.length()
            + "\r\n\r\n"
            + chunked(push));
    requests.put(
        "Transfer-Encoding gzip, chunked",
        post + "Transfer-Encoding: gzip, chunked\r\n\r\n" + chunked(push));
    requests.put("bad chunk size", post + "Transfer-Encoding: chunked\r\n\r\nzz\r\n" + push);
    requests.put(
        "header without colon",
        post + "X-Broken-Header\r\nContent-Length: " + push.length() + "\r\n\r\n" + push);
    requests.put("CONNECT", "CONNECT /v1/push HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n");
    requests.put("CONNECT authority", "CONNECT 127.0.0.1:1 HTTP/1.1\r\nHost: x\r\n\r\n");
    requests.put("TRACE", "TRACE /v1/health HTTP/1.1\r\nHost: x\r\n\r\n");
    requests.put("unknown method", "BREW /v1/health HTTP/1.1\r\nHost: x\r\n\r\n");
    requests.put("since=%zz", "GET /v1/pull?since=%zz HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n");
    requests.put("no Host", "GET /v1/health HTTP/1.1\r\n\r\n");
    requests.put("garbage request line", "HELLO\r\n\r\n");
    requests.put("HTTP/2.0 request line", "GET /v1/health HTTP/2.0\r\nHost: x\r\n\r\n");
    requests.put("HTTP/3 version", "GET /v1/health HTTP/3.0\r\nHost: x\r\n\r\n");
    requests.put(
        "request target too long",
        "GET /v1/health?x=" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
    requests.put(
        "headers too large",
        "GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(20_000) + "\r\n\r\n");
    requests.put(
        "declared body far over the limit",
        post + "Content-Length: 900000000\r\n\r\n" + push);
    requests.put(
        "NUL in the path", "GET /v1/hea\u0000lth HTTP/1.1\r\nHost: x\r\n\r\n");
    requests.put(
        "absolute-form target elsewhere",
        "GET http://example.invalid/v1/push HTTP/1.1\r\nHost: x\r\n\r\n");

    for (Map.Entry<String, String> e : requests.entrySet()) {
      try (RawHttp raw = RawHttp.connect(server.baseUri())) {
        RawHttp.Response r = raw.send(e.getValue()).read();
        String what = e.getKey() + ": " + r.status() + " " + r.text();
        assertTrue(r.status() >= 400 && r.status() < 500, what);
        assertTrue(
            r.headers().getOrDefault("content-type", "").startsWith("application/json"), what);
        JsonNode body = WireJson.mapper().readTree(r.body());
        assertTrue(body.path("error_class").isTextual(), what);
        assertFalse(body.path("error_code").asText().isEmpty(), what);
        assertTrue(body.path("error").isTextual(), what);
        assertFalse(r.text().contains(TOKEN), what);
      }
    }

    try (RawHttp raw = RawHttp.connect(server.baseUri())) {
      RawHttp.Response head = raw.send("HEAD /v1/health HTTP/1.1\r\nHost: x\r\n\r\n").readHead();
      assertEquals(405, head.status());
      assertEquals("GET", head.headers().get("allow"));
      assertTrue(head.headers().get("content-type").startsWith("application/json"));
    }
    TestClient client = new TestClient(server.baseUri());
    assertEquals(0, client.pull(TOKEN, 0, 10, 0).pull().latestSeq(), "nothing stored");
  }

  private static String chunked(String body) {
    return Integer.toHexString(body.length()) + "\r\n" + body + "\r\n0\r\n\r\n";
  }
}
