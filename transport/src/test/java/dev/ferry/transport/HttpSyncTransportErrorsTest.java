package dev.ferry.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.transport.TransportException.Kind;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every row of DESIGN's error table, Retry-After and garbled error bodies. */
class HttpSyncTransportErrorsTest {

  private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");

  @StartStop private final MockWebServer server = new MockWebServer();

  private final RecordingSleeper sleeper = new RecordingSleeper();
  private HttpSyncTransport transport;

  private HttpSyncTransport.Builder builder() {
    return HttpSyncTransport.builder()
        .baseUrl(server.url("/"))
        .token("t-1")
        .sleeper(sleeper)
        .random(Wire.NO_JITTER)
        .clock(Clock.fixed(NOW, ZoneOffset.UTC));
  }

  @AfterEach
  void closeTransport() {
    if (transport != null) {
      transport.close();
    }
  }

  private TransportException failure(Executable call) {
    return assertThrows(TransportException.class, call);
  }

  @ParameterizedTest(name = "HTTP {0} {1} -> {3}")
  @CsvSource({
    "400, validation, bad_request, PROTOCOL",
    "422, validation, batch_malformed, PROTOCOL",
    "401, auth, invalid_token, AUTH",
    "403, policy, project_forbidden, FORBIDDEN",
    "404, unsupported, not_found, UNSUPPORTED",
    "409, stale_lease, stale_lease, STALE_LEASE",
    "413, too_large, batch_too_large, TOO_LARGE",
    "429, rate_limited, slow_down, RATE_LIMITED",
    "503, unavailable, maintenance, UNAVAILABLE",
    "500, unavailable, internal, UNAVAILABLE",
    "502, unavailable, bad_gateway, UNAVAILABLE",
  })
  void push_errorStatus_isClassifiedWithServerCode(
      int status, String errorClass, String errorCode, Kind expected) {
    server.setDispatcher(Wire.always(Wire.error(status, errorClass, errorCode, "human text")));
    transport = builder().maxAttempts(1).build();

    TransportException e = failure(() -> transport.push(Wire.push(1)));

    assertEquals(expected, e.kind());
    assertEquals(status, e.httpStatus());
    assertEquals(Optional.of(errorCode), e.errorCode());
    assertTrue(e.getMessage().contains("HTTP " + status), e.getMessage());
    assertTrue(e.getMessage().contains("human text"), e.getMessage());
  }

  @Test
  void push_staleLeaseWithGarbledBody_isStillStaleLease() {
    server.enqueue(
        new MockResponse.Builder().code(409).body("<html><body>Conflict</body></html>").build());
    transport = builder().build();

    TransportException e = failure(() -> transport.push(Wire.push(1)));

    assertEquals(Kind.STALE_LEASE, e.kind());
    assertEquals(Optional.empty(), e.errorCode());
    assertTrue(e.getMessage().contains("no readable error body"), e.getMessage());
    assertEquals(1, server.getRequestCount(), "not transient, so not retried");
  }

  @Test
  void push_tooLargeWithTruncatedBody_isStillTooLarge() {
    server.enqueue(Wire.json(413, "{\"error_class\":\"too_large\",\"error_co"));
    transport = builder().build();

    TransportException e = failure(() -> transport.push(Wire.push(1)));

    assertEquals(Kind.TOO_LARGE, e.kind());
    assertEquals(413, e.httpStatus());
  }

  @Test
  void push_errorWithoutBody_isClassifiedByStatus() {
    server.enqueue(new MockResponse.Builder().code(403).build());
    transport = builder().build();

    assertEquals(Kind.FORBIDDEN, failure(() -> transport.push(Wire.push(1))).kind());
  }

  @Test
  void push_unlistedStatus_fallsBackToErrorClass() {
    server.enqueue(Wire.error(418, "policy", "teapot", "no"));
    transport = builder().build();

    assertEquals(Kind.FORBIDDEN, failure(() -> transport.push(Wire.push(1))).kind());
  }

  @Test
  void push_redirect_isUnsupportedAndNotFollowed() {
    server.enqueue(
        new MockResponse.Builder().code(301).setHeader("Location", "https://elsewhere/").build());
    transport = builder().build();

    TransportException e = failure(() -> transport.push(Wire.push(1)));

    assertEquals(Kind.UNSUPPORTED, e.kind());
    assertTrue(e.getMessage().contains("check the base URL"), e.getMessage());
    assertEquals(1, server.getRequestCount());
  }

  @Test
  void health_nothingListening_isUnavailable() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    transport = builder().baseUrl("http://127.0.0.1:" + port + "/").build();

    TransportException e = failure(() -> transport.health());

    assertEquals(Kind.UNAVAILABLE, e.kind());
    assertEquals(0, e.httpStatus());
    assertEquals(2, sleeper.waits().size(), "three attempts, two waits");
  }

  @Test
  void rateLimited_retryAfterSeconds_isSleptAndReported() {
    server.setDispatcher(
        Wire.always(
            Wire.error(429, "rate_limited", "slow_down", "later")
                .newBuilder()
                .setHeader("Retry-After", "2")
                .build()));
    transport = builder().build();

    TransportException e = failure(() -> transport.push(Wire.push(1)));

    assertEquals(Kind.RATE_LIMITED, e.kind());
    assertEquals(Optional.of(Duration.ofSeconds(2)), e.retryAfter());
    assertEquals(List.of(Duration.ofSeconds(2), Duration.ofSeconds(2)), sleeper.waits());
    assertEquals(3, server.getRequestCount());
  }

  @Test
  void unavailable_retryAfterHttpDate_isSleptRelativeToTheClock() {
    String date =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(
            ZonedDateTime.ofInstant(NOW.plusSeconds(3), ZoneOffset.UTC));
    server.enqueue(
        Wire.error(503, "unavailable", "maintenance", "back soon")
            .newBuilder()
            .setHeader("Retry-After", date)
            .build());
    server.enqueue(Wire.ok(Wire.accepted(1)));
    transport = builder().build();

    transport.push(Wire.push(1));

    assertEquals(List.of(Duration.ofSeconds(3)), sleeper.waits());
  }

  @Test
  void rateLimited_retryAfterAboveCap_isHandedToCallerWithoutSleeping() {
    server.setDispatcher(
        Wire.always(
            Wire.error(429, "rate_limited", "slow_down", "later")
                .newBuilder()
                .setHeader("Retry-After", "120")
                .build()));
    transport = builder().maxRetryAfter(Duration.ofSeconds(5)).build();

    TransportException e = failure(() -> transport.push(Wire.push(1)));

    assertEquals(Kind.RATE_LIMITED, e.kind());
    assertEquals(Optional.of(Duration.ofSeconds(120)), e.retryAfter());
    assertTrue(sleeper.waits().isEmpty());
    assertEquals(1, server.getRequestCount());
  }

  @Test
  void push_okWithBadJson_isProtocol() {
    server.enqueue(Wire.ok("{\"results\":[{\"client_seq\":1,"));
    transport = builder().build();

    TransportException e = failure(() -> transport.push(Wire.push(1)));

    assertEquals(Kind.PROTOCOL, e.kind());
    assertEquals(1, server.getRequestCount(), "protocol errors are not retried");
  }

  @Test
  void push_okWithEmptyBody_isProtocol() {
    server.enqueue(new MockResponse.Builder().code(200).build());
    transport = builder().build();

    assertEquals(Kind.PROTOCOL, failure(() -> transport.push(Wire.push(1))).kind());
  }

  @Test
  void push_okWithoutResults_isProtocol() {
    server.enqueue(Wire.ok("{\"latest_seq\":3}"));
    transport = builder().build();

    assertEquals(Kind.PROTOCOL, failure(() -> transport.push(Wire.push(1))).kind());
  }

  @Test
  void push_resultMissingForOneMutation_isProtocol() {
    server.enqueue(Wire.ok(Wire.accepted(2)));
    transport = builder().build();

    TransportException e = failure(() -> transport.push(Wire.push(3)));

    assertEquals(Kind.PROTOCOL, e.kind());
    assertTrue(e.getMessage().contains("client_seq 3"), e.getMessage());
  }

  @Test
  void push_resultForUnsentMutation_isProtocol() {
    server.enqueue(Wire.ok(Wire.accepted(3)));
    transport = builder().build();

    assertEquals(Kind.PROTOCOL, failure(() -> transport.push(Wire.push(2))).kind());
  }

  @Test
  void push_mutationAnsweredTwice_isProtocol() {
    server.enqueue(
        Wire.ok(
            "{\"results\":[{\"client_seq\":1,\"status\":\"accepted\",\"seq\":5},"
                + "{\"client_seq\":1,\"status\":\"duplicate\",\"seq\":5}],\"latest_seq\":5}"));
    transport = builder().build();

    TransportException e = failure(() -> transport.push(Wire.push(1)));

    assertEquals(Kind.PROTOCOL, e.kind());
    assertTrue(e.getMessage().contains("more than once"), e.getMessage());
  }

  @Test
  void pull_seqNotAboveSince_isProtocol() {
    server.enqueue(Wire.ok(Wire.page(false, 10, 11)));
    transport = builder().build();

    assertEquals(Kind.PROTOCOL, failure(() -> transport.pull(10, 100, Duration.ZERO)).kind());
  }

  @Test
  void pull_seqsNotIncreasing_isProtocol() {
    server.enqueue(Wire.ok(Wire.page(false, 11, 13, 12)));
    transport = builder().build();

    TransportException e = failure(() -> transport.pull(10, 100, Duration.ZERO));

    assertEquals(Kind.PROTOCOL, e.kind());
    assertTrue(e.getMessage().contains("12 does not follow 13"), e.getMessage());
  }

  @Test
  void pull_hasMoreWithoutMutations_isProtocol() {
    server.enqueue(Wire.ok(Wire.page(true)));
    transport = builder().build();

    assertEquals(Kind.PROTOCOL, failure(() -> transport.pull(10, 100, Duration.ZERO)).kind());
  }

  @Test
  void pull_moreMutationsThanLimit_isProtocol() {
    server.enqueue(Wire.ok(Wire.page(false, 11, 12, 13)));
    transport = builder().build();

    assertEquals(Kind.PROTOCOL, failure(() -> transport.pull(10, 2, Duration.ZERO)).kind());
  }

  @Test
  void pull_responseAboveSizeLimit_isProtocol() {
    server.enqueue(Wire.ok(Wire.page(false, 11, 12, 13)));
    transport = builder().maxResponseBytes(100).build();

    TransportException e = failure(() -> transport.pull(10, 100, Duration.ZERO));

    assertEquals(Kind.PROTOCOL, e.kind());
    assertTrue(e.getMessage().contains("exceeds the limit of 100 bytes"), e.getMessage());
  }

  @Test
  void kinds_onlyRateLimitedAndUnavailableAreTransient() {
    for (Kind kind : Kind.values()) {
      boolean expected = kind == Kind.RATE_LIMITED || kind == Kind.UNAVAILABLE;
      assertEquals(expected, kind.isTransient(), kind.name());
    }
    assertFalse(Kind.CANCELLED.isTransient());
  }
}
