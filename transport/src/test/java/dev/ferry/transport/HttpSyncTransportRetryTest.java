package dev.ferry.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.transport.TransportException.Kind;
import dev.ferry.transport.wire.PushResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Per-request retries of transient failures and the one token refresh after a 401. */
class HttpSyncTransportRetryTest {

  @StartStop private final MockWebServer server = new MockWebServer();

  private final RecordingSleeper sleeper = new RecordingSleeper();
  private HttpSyncTransport transport;

  private HttpSyncTransport.Builder builder() {
    return HttpSyncTransport.builder()
        .baseUrl(server.url("/"))
        .token("t-1")
        .sleeper(sleeper)
        .random(Wire.NO_JITTER);
  }

  @AfterEach
  void closeTransport() {
    if (transport != null) {
      transport.close();
    }
  }

  private List<String> authorizations(int count) throws InterruptedException {
    List<String> values = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      RecordedRequest request = server.takeRequest(10, TimeUnit.SECONDS);
      values.add(request.getHeaders().get("Authorization"));
    }
    return values;
  }

  @Test
  void push_transientThenOk_retriesAfterExponentialWaits() {
    server.enqueue(Wire.error(503, "unavailable", "busy", "busy"));
    server.enqueue(Wire.error(500, "unavailable", "oops", "oops"));
    server.enqueue(Wire.ok(Wire.accepted(1)));
    transport = builder().retryDelays(Duration.ofMillis(100), Duration.ofSeconds(1)).build();

    PushResponse response = transport.push(Wire.push(1));

    assertEquals(101L, response.results().get(0).seq());
    assertEquals(List.of(Duration.ofMillis(100), Duration.ofMillis(200)), sleeper.waits());
  }

  @Test
  void push_alwaysUnavailable_stopsAfterThreeAttempts() {
    server.setDispatcher(Wire.always(Wire.error(503, "unavailable", "busy", "busy")));
    transport = builder().build();

    TransportException e = assertThrows(TransportException.class, () -> transport.push(Wire.push(1)));

    assertEquals(Kind.UNAVAILABLE, e.kind());
    assertEquals(3, server.getRequestCount());
    assertEquals(2, sleeper.waits().size());
  }

  @Test
  void push_waits_areJitteredWithinHalfToOneAndAHalfOfNominal() {
    server.setDispatcher(Wire.always(Wire.error(503, "unavailable", "busy", "busy")));
    transport =
        builder()
            .maxAttempts(10)
            .retryDelays(Duration.ofMillis(100), Duration.ofMillis(400))
            .random(new SplittableRandom(7))
            .build();

    assertThrows(TransportException.class, () -> transport.push(Wire.push(1)));

    List<Duration> waits = sleeper.waits();
    assertEquals(9, waits.size());
    long[] nominal = {100, 200, 400, 400, 400, 400, 400, 400, 400};
    for (int i = 0; i < waits.size(); i++) {
      long ms = waits.get(i).toMillis();
      assertTrue(ms >= nominal[i] / 2 && ms < nominal[i] * 3 / 2, "wait " + i + " was " + ms);
    }
    assertTrue(waits.stream().distinct().count() > 3, "waits are jittered: " + waits);
  }

  @Test
  void push_nonTransientFailure_isNotRetried() {
    server.setDispatcher(Wire.always(Wire.error(413, "too_large", "batch_too_large", "big")));
    transport = builder().build();

    assertThrows(TransportException.class, () -> transport.push(Wire.push(1)));

    assertEquals(1, server.getRequestCount());
    assertTrue(sleeper.waits().isEmpty());
  }

  @Test
  void push_maxAttemptsOne_neverRetries() {
    server.setDispatcher(Wire.always(Wire.error(503, "unavailable", "busy", "busy")));
    transport = builder().maxAttempts(1).build();

    assertThrows(TransportException.class, () -> transport.push(Wire.push(1)));

    assertEquals(1, server.getRequestCount());
  }

  @Test
  void push_401_refreshesTokenOnceAndSucceeds() throws Exception {
    List<Boolean> asks = new CopyOnWriteArrayList<>();
    server.enqueue(Wire.error(401, "auth", "token_expired", "expired"));
    server.enqueue(Wire.ok(Wire.accepted(1)));
    transport =
        builder()
            .tokenProvider(
                refresh -> {
                  asks.add(refresh);
                  return refresh ? "fresh-token" : "old-token";
                })
            .build();

    transport.push(Wire.push(1));

    assertEquals(List.of(false, true), asks);
    assertEquals(List.of("Bearer old-token", "Bearer fresh-token"), authorizations(2));
  }

  @Test
  void push_401AfterRefresh_failsAuthWithoutSecondRefresh() throws Exception {
    AtomicInteger refreshes = new AtomicInteger();
    server.setDispatcher(Wire.always(Wire.error(401, "auth", "invalid_token", "no")));
    transport =
        builder()
            .tokenProvider(
                refresh -> {
                  if (refresh) {
                    refreshes.incrementAndGet();
                  }
                  return "tok";
                })
            .build();

    TransportException e = assertThrows(TransportException.class, () -> transport.push(Wire.push(1)));

    assertEquals(Kind.AUTH, e.kind());
    assertEquals(401, e.httpStatus());
    assertEquals(1, refreshes.get());
    assertEquals(2, server.getRequestCount());
  }

  @Test
  void push_401ThenTransientThen401_refreshesOnlyOncePerCall() {
    AtomicInteger refreshes = new AtomicInteger();
    server.enqueue(Wire.error(401, "auth", "token_expired", "expired"));
    server.enqueue(Wire.error(503, "unavailable", "busy", "busy"));
    server.enqueue(Wire.error(401, "auth", "invalid_token", "no"));
    transport =
        builder()
            .tokenProvider(
                refresh -> {
                  if (refresh) {
                    refreshes.incrementAndGet();
                  }
                  return refresh ? "fresh" : "old";
                })
            .build();

    TransportException e = assertThrows(TransportException.class, () -> transport.push(Wire.push(1)));

    assertEquals(Kind.AUTH, e.kind());
    assertEquals(1, refreshes.get());
    assertEquals(3, server.getRequestCount());
  }

  @Test
  void push_providerReturnsBlankToken_failsAuthWithoutSending() {
    transport = builder().tokenProvider(refresh -> " ").build();

    TransportException e = assertThrows(TransportException.class, () -> transport.push(Wire.push(1)));

    assertEquals(Kind.AUTH, e.kind());
    assertTrue(e.getMessage().contains("blank token"), e.getMessage());
    assertEquals(0, server.getRequestCount());
  }

  @Test
  void push_providerThrowsOnRefresh_failsAuthWithCause() {
    server.enqueue(Wire.error(401, "auth", "token_expired", "expired"));
    IllegalStateException boom = new IllegalStateException("identity provider down");
    transport =
        builder()
            .tokenProvider(
                refresh -> {
                  if (refresh) {
                    throw boom;
                  }
                  return "old";
                })
            .build();

    TransportException e = assertThrows(TransportException.class, () -> transport.push(Wire.push(1)));

    assertEquals(Kind.AUTH, e.kind());
    assertEquals(boom, e.getCause());
  }
}
