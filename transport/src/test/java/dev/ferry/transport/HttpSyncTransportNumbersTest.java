package dev.ferry.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.transport.TransportException.Kind;
import dev.ferry.transport.wire.PullResponse;
import dev.ferry.transport.wire.PushResponse;
import dev.ferry.transport.wire.WhoAmIResponse;
import java.time.Duration;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The client fails closed on every malformed number (integer fields that are not JSON integers,
 * seqs shared by several mutations, a {@code latest_seq} below the page) and reads the log
 * identity and the stale lease's {@code seen_epoch}.
 */
class HttpSyncTransportNumbersTest {

  private static final String MUTATION =
      "{\"seq\":%s,\"replica_id\":\"r-2\",\"client_seq\":%s,\"project\":\"notes\",\"entity\":\"note\","
          + "\"entity_key\":\"k\",\"op\":\"upsert\",\"payload\":{}}";

  @StartStop private final MockWebServer server = new MockWebServer();
  private HttpSyncTransport transport;

  private HttpSyncTransport transport() {
    transport =
        HttpSyncTransport.builder()
            .baseUrl(server.url("/"))
            .token("t-1")
            .sleeper(new RecordingSleeper())
            .random(Wire.NO_JITTER)
            .maxAttempts(1)
            .build();
    return transport;
  }

  @AfterEach
  void close() {
    if (transport != null) {
      transport.close();
    }
  }

  private TransportException pullFails(String body) {
    server.setDispatcher(Wire.always(Wire.ok(body)));
    return assertThrows(
        TransportException.class, () -> transport().pull(0, 100, Duration.ZERO));
  }

  private TransportException pushFails(String body, int n) {
    server.setDispatcher(Wire.always(Wire.ok(body)));
    return assertThrows(TransportException.class, () -> transport().push(Wire.push(n)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"6.9", "6.0", "6e0", "\"6\"", "true", "99999999999999999999"})
  void pull_seqNotAJsonInteger_failsWithProtocol(String seq) {
    TransportException e =
        pullFails(
            "{\"mutations\":[" + MUTATION.formatted(seq, "1") + "],\"has_more\":false,\"latest_seq\":7}");
    assertEquals(Kind.PROTOCOL, e.kind());
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.7", "1.0", "\"1\""})
  void pull_clientSeqNotAJsonInteger_failsWithProtocol(String clientSeq) {
    TransportException e =
        pullFails(
            "{\"mutations\":[" + MUTATION.formatted("6", clientSeq) + "],\"has_more\":false,\"latest_seq\":7}");
    assertEquals(Kind.PROTOCOL, e.kind());
  }

  @Test
  void pull_latestSeqFloat_failsWithProtocol() {
    assertEquals(
        Kind.PROTOCOL,
        pullFails("{\"mutations\":[],\"has_more\":false,\"latest_seq\":7.5}").kind());
  }

  @Test
  void pull_latestSeqBelowTheLastSeqOfThePage_failsWithProtocol() {
    TransportException e =
        pullFails(
            "{\"mutations\":[" + MUTATION.formatted("6", "1") + "],\"has_more\":false,\"latest_seq\":5}");
    assertEquals(Kind.PROTOCOL, e.kind());
    assertTrue(e.getMessage().contains("latest_seq 5 is below its last seq 6"), e.getMessage());
  }

  @Test
  void pull_emptyPageWithLatestBelowSince_isReturnedForTheCallerToJudge() {
    server.setDispatcher(
        Wire.always(Wire.ok("{\"mutations\":[],\"has_more\":false,\"latest_seq\":3,\"log_id\":\"L2\"}")));
    PullResponse page = transport().pull(1200, 100, Duration.ZERO);
    assertEquals(3, page.latestSeq());
    assertEquals("L2", page.logId());
  }

  @Test
  void pull_withoutLogId_readsNull() {
    server.setDispatcher(Wire.always(Wire.ok("{\"mutations\":[],\"has_more\":false,\"latest_seq\":3}")));
    assertNull(transport().pull(0, 100, Duration.ZERO).logId());
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"\"", "\"   \"", "17"})
  void pull_malformedLogId_failsWithProtocol(String logId) {
    assertEquals(
        Kind.PROTOCOL,
        pullFails("{\"mutations\":[],\"has_more\":false,\"latest_seq\":3,\"log_id\":" + logId + "}").kind());
  }

  @Test
  void push_clientSeqFloat_failsWithProtocol() {
    TransportException e =
        pushFails(
            "{\"results\":[{\"client_seq\":1.7,\"status\":\"accepted\",\"seq\":101}],\"latest_seq\":101}", 1);
    assertEquals(Kind.PROTOCOL, e.kind());
  }

  @Test
  void push_seqFloat_failsWithProtocol() {
    TransportException e =
        pushFails(
            "{\"results\":[{\"client_seq\":1,\"status\":\"accepted\",\"seq\":101.0}],\"latest_seq\":101}", 1);
    assertEquals(Kind.PROTOCOL, e.kind());
  }

  @Test
  void push_oneSeqForThreeMutations_failsWithProtocol() {
    TransportException e =
        pushFails(
            "{\"results\":[{\"client_seq\":1,\"status\":\"accepted\",\"seq\":101},"
                + "{\"client_seq\":2,\"status\":\"accepted\",\"seq\":101},"
                + "{\"client_seq\":3,\"status\":\"duplicate\",\"seq\":101}],\"latest_seq\":101}",
            3);
    assertEquals(Kind.PROTOCOL, e.kind());
    assertTrue(e.getMessage().contains("seq 101"), e.getMessage());
  }

  @Test
  void push_seqAboveLatestSeq_failsWithProtocol() {
    TransportException e =
        pushFails(
            "{\"results\":[{\"client_seq\":1,\"status\":\"accepted\",\"seq\":101}],\"latest_seq\":100}", 1);
    assertEquals(Kind.PROTOCOL, e.kind());
  }

  @Test
  void push_latestSeqFloat_failsWithProtocol() {
    TransportException e =
        pushFails(
            "{\"results\":[{\"client_seq\":1,\"status\":\"accepted\",\"seq\":101}],\"latest_seq\":101.5}", 1);
    assertEquals(Kind.PROTOCOL, e.kind());
  }

  @Test
  void push_answerWithLogId_readsIt() {
    server.setDispatcher(
        Wire.always(
            Wire.ok(
                "{\"results\":[{\"client_seq\":1,\"status\":\"accepted\",\"seq\":101}],"
                    + "\"latest_seq\":101,\"log_id\":\"9b1c\"}")));
    PushResponse r = transport().push(Wire.push(1));
    assertEquals("9b1c", r.logId());
  }

  @Test
  void whoami_readsLogId() {
    server.setDispatcher(
        Wire.always(Wire.ok("{\"tenant\":\"acme\",\"read\":[\"*\"],\"write\":[],\"log_id\":\"abc\"}")));
    WhoAmIResponse r = transport().whoami();
    assertEquals("abc", r.logId());
  }

  @Test
  void push_staleLease_exposesSeenEpoch() {
    server.setDispatcher(
        Wire.always(
            Wire.json(
                409,
                "{\"error_class\":\"stale_lease\",\"error_code\":\"stale_lease\","
                    + "\"error\":\"lease epoch 3 is below 503\",\"seen_epoch\":503}")));
    TransportException e = assertThrows(TransportException.class, () -> transport().push(Wire.push(1)));
    assertEquals(Kind.STALE_LEASE, e.kind());
    assertEquals(503L, e.seenEpoch().orElseThrow());
  }

  @ParameterizedTest
  @ValueSource(strings = {"5.5", "-1", "\"503\"", "null"})
  void push_staleLeaseWithMalformedSeenEpoch_hasNone(String seen) {
    server.setDispatcher(
        Wire.always(
            Wire.json(
                409,
                "{\"error_class\":\"stale_lease\",\"error_code\":\"stale_lease\",\"error\":\"x\",\"seen_epoch\":"
                    + seen
                    + "}")));
    TransportException e = assertThrows(TransportException.class, () -> transport().push(Wire.push(1)));
    assertEquals(Kind.STALE_LEASE, e.kind());
    assertTrue(e.seenEpoch().isEmpty());
  }
}
