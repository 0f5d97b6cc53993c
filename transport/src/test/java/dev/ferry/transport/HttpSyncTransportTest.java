package dev.ferry.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.transport.TransportException.Kind;
import dev.ferry.transport.wire.HealthResponse;
import dev.ferry.transport.wire.PullResponse;
import dev.ferry.transport.wire.PushRequest;
import dev.ferry.transport.wire.PushResponse;
import dev.ferry.transport.wire.PushStatus;
import dev.ferry.transport.wire.WhoAmIResponse;
import dev.ferry.transport.wire.WireJson;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import mockwebserver3.junit5.StartStop;
import okio.Buffer;
import okio.GzipSource;
import okio.Okio;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpSyncTransportTest {

  private static final String TOKEN = "test-token-1";

  @StartStop private final MockWebServer server = new MockWebServer();

  private final RecordingSleeper sleeper = new RecordingSleeper();
  private HttpSyncTransport transport;

  private HttpSyncTransport.Builder builder() {
    return HttpSyncTransport.builder()
        .baseUrl(server.url("/"))
        .token(TOKEN)
        .sleeper(sleeper)
        .random(Wire.NO_JITTER);
  }

  private HttpSyncTransport transport() {
    transport = builder().build();
    return transport;
  }

  @AfterEach
  void closeTransport() {
    if (transport != null) {
      transport.close();
    }
  }

  private RecordedRequest take() throws InterruptedException {
    RecordedRequest request = server.takeRequest(10, TimeUnit.SECONDS);
    assertNotNull(request, "no request reached the server");
    return request;
  }

  @Test
  void push_acceptedAndDuplicate_sendsWireRequestAndReturnsResults() throws Exception {
    server.enqueue(
        Wire.ok(
            "{\"results\":[{\"client_seq\":1,\"status\":\"accepted\",\"seq\":1007},"
                + "{\"client_seq\":2,\"status\":\"duplicate\",\"seq\":990}],\"latest_seq\":1007}"));
    PushRequest push = Wire.push(2);

    PushResponse response = transport().push(push);

    assertEquals(PushStatus.ACCEPTED, response.results().get(0).status());
    assertEquals(990L, response.results().get(1).seq());
    assertEquals(1007, response.latestSeq());
    RecordedRequest request = take();
    assertEquals("POST", request.getMethod());
    assertEquals("/v1/push", request.getUrl().encodedPath());
    assertEquals("Bearer " + TOKEN, request.getHeaders().get("Authorization"));
    assertTrue(request.getHeaders().get("Content-Type").startsWith("application/json"));
    assertTrue(
        request.getHeaders().get("User-Agent").contains("ferry/" + FerryVersion.current()),
        request.getHeaders().get("User-Agent"));
    assertNull(request.getHeaders().get("Content-Encoding"), "a small push is not compressed");
    assertEquals(WireJson.mapper().writeValueAsString(push), request.getBody().utf8());
  }

  @Test
  void pull_sendsCursorLimitAndWait_returnsPageWithPayloadsVerbatim() throws Exception {
    String payload = "{\"big\":123456789012345678901234567890,\"s\":\"h\\u00e9 \\ud83d\\ude00\"}";
    server.enqueue(
        Wire.ok(
            "{\"mutations\":[{\"seq\":1001,\"replica_id\":\"r\",\"client_seq\":7,\"project\":\"notes\","
                + "\"entity\":\"note\",\"entity_key\":\"n-1\",\"op\":\"upsert\",\"payload\":"
                + payload
                + ",\"created_at\":\"2026-11-21T10:00:00.000Z\",\"new_field\":1}],"
                + "\"has_more\":false,\"latest_seq\":1001,\"server_extra\":true}"));

    PullResponse page = transport().pull(1000, 500, Duration.ZERO);

    assertEquals(1, page.mutations().size());
    assertEquals(1001, page.mutations().get(0).seq());
    ObjectMapper mapper = WireJson.mapper();
    assertEquals(
        mapper.readTree(payload), mapper.readTree(page.mutations().get(0).payload().json()));
    assertTrue(page.mutations().get(0).payload().json().contains("123456789012345678901234567890"));
    RecordedRequest request = take();
    assertEquals("GET", request.getMethod());
    assertEquals("/v1/pull", request.getUrl().encodedPath());
    assertEquals("1000", request.getUrl().queryParameter("since"));
    assertEquals("500", request.getUrl().queryParameter("limit"));
    assertEquals("0", request.getUrl().queryParameter("wait_ms"));
  }

  @Test
  void health_isSentWithoutToken() throws Exception {
    server.enqueue(Wire.ok("{\"status\":\"ok\",\"version\":\"0.1.0\"}"));

    HealthResponse health = transport().health();

    assertEquals(new HealthResponse("ok", "0.1.0"), health);
    RecordedRequest request = take();
    assertEquals("/v1/health", request.getUrl().encodedPath());
    assertNull(request.getHeaders().get("Authorization"));
  }

  @Test
  void whoami_returnsTenantAndGrants() throws Exception {
    server.enqueue(Wire.ok("{\"tenant\":\"acme\",\"read\":[\"*\"],\"write\":[\"notes\"]}"));

    WhoAmIResponse me = transport().whoami();

    assertEquals(new WhoAmIResponse("acme", List.of("*"), List.of("notes")), me);
    RecordedRequest request = take();
    assertEquals("/v1/whoami", request.getUrl().encodedPath());
    assertEquals("Bearer " + TOKEN, request.getHeaders().get("Authorization"));
  }

  @Test
  void baseUrlWithPath_resolvesEndpointsBelowIt() throws Exception {
    server.enqueue(Wire.ok("{\"status\":\"ok\",\"version\":\"1\"}"));
    transport = builder().baseUrl(server.url("/ferry/api/")).build();

    transport.health();

    assertEquals("/ferry/api/v1/health", take().getUrl().encodedPath());
  }

  @Test
  void push_bodyAboveGzipThreshold_isSentCompressed() throws Exception {
    server.enqueue(Wire.ok(Wire.accepted(50)));
    transport = builder().gzipRequestsAbove(1024).build();
    PushRequest push = Wire.push(50);

    transport.push(push);

    RecordedRequest request = take();
    assertEquals("gzip", request.getHeaders().get("Content-Encoding"));
    Buffer compressed = new Buffer().write(request.getBody());
    String json = Okio.buffer(new GzipSource(compressed)).readUtf8();
    assertEquals(WireJson.mapper().writeValueAsString(push), json);
    assertTrue(request.getBodySize() < json.length(), "compressed body is smaller");
  }

  @Test
  void pull_gzipResponse_isDecompressedTransparently() throws Exception {
    Buffer gzipped = new Buffer();
    try (okio.BufferedSink sink = Okio.buffer(new okio.GzipSink(gzipped))) {
      sink.writeUtf8(Wire.page(true, 5, 6, 7));
    }
    server.enqueue(
        new MockResponse.Builder()
            .setHeader("Content-Type", "application/json")
            .setHeader("Content-Encoding", "gzip")
            .body(gzipped)
            .build());

    PullResponse page = transport().pull(4, 3, Duration.ZERO);

    assertEquals(List.of(5L, 6L, 7L), page.mutations().stream().map(m -> m.seq()).toList());
    assertTrue(page.hasMore());
    assertEquals("gzip", take().getHeaders().get("Accept-Encoding"));
  }

  @Test
  void pull_slowBody_failsUnavailableOnReadTimeout() throws Exception {
    server.enqueue(
        Wire.ok(Wire.page(false, 1)).newBuilder().throttleBody(1, 5, TimeUnit.SECONDS).build());
    transport = builder().readTimeout(Duration.ofMillis(300)).maxAttempts(1).build();

    TransportException e =
        assertThrows(TransportException.class, () -> transport.pull(0, 10, Duration.ZERO));

    assertEquals(Kind.UNAVAILABLE, e.kind());
    assertTrue(e.getMessage().contains("timed out"), e.getMessage());
    assertEquals(1, server.getRequestCount());
  }

  @Test
  void pull_longPoll_readTimeoutCoversTheWait() throws Exception {
    server.enqueue(
        Wire.ok(Wire.page(false, 9)).newBuilder().headersDelay(800, TimeUnit.MILLISECONDS).build());
    transport = builder().readTimeout(Duration.ofMillis(200)).maxAttempts(1).build();

    PullResponse page = transport.pull(8, 10, Duration.ofSeconds(2));

    assertEquals(9, page.mutations().get(0).seq());
    assertEquals("2000", take().getUrl().queryParameter("wait_ms"));
  }

  @Test
  void pull_disconnectInsideBody_isRetriedAsUnavailable() throws Exception {
    server.enqueue(
        Wire.ok(Wire.page(false, 1, 2, 3))
            .newBuilder()
            .onResponseBody(new SocketEffect.CloseSocket(true, false, false))
            .build());
    server.enqueue(Wire.ok(Wire.page(false, 1, 2, 3)));

    PullResponse page = transport().pull(0, 10, Duration.ZERO);

    assertEquals(3, page.mutations().size());
    assertEquals(2, server.getRequestCount());
    assertEquals(1, sleeper.waits().size(), "one jittered wait before the second attempt");
  }

  @Test
  void pull_disconnectInsideBodyOnLastAttempt_failsUnavailable() {
    server.enqueue(
        Wire.ok(Wire.page(false, 1, 2, 3))
            .newBuilder()
            .onResponseBody(new SocketEffect.CloseSocket(true, false, false))
            .build());
    transport = builder().maxAttempts(1).build();

    TransportException e =
        assertThrows(TransportException.class, () -> transport.pull(0, 10, Duration.ZERO));

    assertEquals(Kind.UNAVAILABLE, e.kind());
    assertTrue(e.kind().isTransient());
  }

  @Test
  void push_pooledConnectionDropsAfterRequest_okHttpResendsIdenticalBodySafely() throws Exception {
    server.enqueue(Wire.ok("{\"status\":\"ok\",\"version\":\"1\"}"));
    server.enqueue(
        new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket(true, false, false)).build());
    // The server stored the first copy; the re-sent copy is answered as a duplicate.
    server.enqueue(
        Wire.ok(
            "{\"results\":[{\"client_seq\":1,\"status\":\"duplicate\",\"seq\":101},"
                + "{\"client_seq\":2,\"status\":\"duplicate\",\"seq\":102}],\"latest_seq\":102}"));
    transport = builder().maxAttempts(1).build();
    transport.health(); // puts a connection in the pool

    PushResponse response = transport.push(Wire.push(2));

    assertTrue(response.results().stream().allMatch(r -> r.stored()));
    assertEquals(List.of(101L, 102L), response.results().stream().map(r -> r.seq()).toList());
    RecordedRequest health = take();
    RecordedRequest first = take();
    RecordedRequest resent = take();
    assertEquals("/v1/health", health.getUrl().encodedPath());
    assertEquals(first.getConnectionIndex(), health.getConnectionIndex(), "first try reused the pool");
    assertFalse(resent.getConnectionIndex() == first.getConnectionIndex(), "re-sent on a new connection");
    assertEquals(first.getBody(), resent.getBody(), "same client_seqs, so the server dedupes");
    assertTrue(sleeper.waits().isEmpty(), "OkHttp re-sent it, not Ferry's retry");
  }

  @Test
  void toBuilder_derivesTransportWithSameSettings() throws Exception {
    server.enqueue(Wire.ok("{\"tenant\":\"t\",\"read\":[],\"write\":[]}"));
    transport = builder().userAgentPrefix("notes-app/2.1").build();

    try (HttpSyncTransport derived = transport.toBuilder().build()) {
      derived.whoami();
      assertEquals(transport.userAgent(), derived.userAgent());
    }

    RecordedRequest request = take();
    assertTrue(request.getHeaders().get("User-Agent").startsWith("notes-app/2.1 ferry/"));
    assertEquals("Bearer " + TOKEN, request.getHeaders().get("Authorization"));
  }

  @Test
  void pull_badArguments_areRefusedBeforeSending() {
    HttpSyncTransport t = transport();

    assertThrows(IllegalArgumentException.class, () -> t.pull(-1, 10, Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> t.pull(0, 0, Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> t.pull(0, 10, Duration.ofMillis(-1)));
    assertThrows(IllegalArgumentException.class, () -> t.pull(0, 10, Duration.ofMinutes(6)));
    assertEquals(0, server.getRequestCount());
  }
}
