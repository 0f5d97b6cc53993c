package dev.ferry.transport.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class WireJsonTest {

  private final ObjectMapper mapper = WireJson.mapper();

  @Test
  void pushRequest_writesSnakeCaseWithRawPayloadAndMillis() throws Exception {
    PushRequest request =
        new PushRequest(
            "r-1",
            3,
            List.of(
                new PushMutation(
                    41,
                    "notes",
                    "note",
                    "n-1",
                    "upsert",
                    RawJson.of("{\"title\":\"hi\"}"),
                    Instant.parse("2026-11-21T10:00:00Z"))));

    String json = mapper.writeValueAsString(request);

    assertEquals(
        "{\"replica_id\":\"r-1\",\"lease_epoch\":3,\"mutations\":[{\"client_seq\":41,"
            + "\"project\":\"notes\",\"entity\":\"note\",\"entity_key\":\"n-1\",\"op\":\"upsert\","
            + "\"payload\":{\"title\":\"hi\"},\"created_at\":\"2026-11-21T10:00:00.000Z\"}]}",
        json);
    assertEquals(request, mapper.readValue(json, PushRequest.class));
  }

  @Test
  void rawJson_keepsUnicodeNestingAndExactNumbers() throws Exception {
    String payload =
        "{\"a\":[1,{\"b\":\"h\\u00e9llo \\ud83d\\ude00\"}],\"big\":123456789012345678901234567890,"
            + "\"precise\":0.1000000000000000055511151231257827,\"neg\":-1.5e300,\"n\":null,\"t\":true}";
    String body =
        "{\"mutations\":[{\"seq\":1,\"replica_id\":\"r\",\"client_seq\":1,\"project\":\"p\","
            + "\"entity\":\"e\",\"entity_key\":\"k\",\"op\":\"upsert\",\"payload\":"
            + payload
            + ",\"future_field\":{\"x\":1}}],\"has_more\":false,\"latest_seq\":1,\"extra\":[]}";

    PullResponse page = mapper.readValue(body, PullResponse.class);
    RawJson raw = page.mutations().get(0).payload();

    assertEquals(mapper.readTree(payload), mapper.readTree(raw.json()));
    assertTrue(raw.json().contains("123456789012345678901234567890"));
    assertTrue(raw.json().contains("0.1000000000000000055511151231257827"));
    assertTrue(raw.json().contains("héllo 😀"));
  }

  @Test
  void pushResult_acceptedWithoutSeq_isRejectedAsMapping() {
    String body = "{\"results\":[{\"client_seq\":1,\"status\":\"accepted\"}],\"latest_seq\":3}";

    assertThrows(JsonMappingException.class, () -> mapper.readValue(body, PushResponse.class));
  }

  @Test
  void pullResponse_missingLatestSeq_isRejectedAsMapping() {
    String body = "{\"mutations\":[],\"has_more\":false}";

    assertThrows(JsonMappingException.class, () -> mapper.readValue(body, PullResponse.class));
  }

  @Test
  void pushRequest_duplicateClientSeq_isRejectedAsMapping() {
    String m = "{\"client_seq\":1,\"project\":\"p\",\"entity\":\"e\",\"entity_key\":\"k\",\"op\":\"upsert\",\"payload\":1}";
    String body = "{\"replica_id\":\"r\",\"lease_epoch\":0,\"mutations\":[" + m + "," + m + "]}";

    assertThrows(JsonMappingException.class, () -> mapper.readValue(body, PushRequest.class));
  }

  @Test
  void pushMutation_blankProject_parsesButNamesTheField() throws Exception {
    String m = "{\"client_seq\":1,\"project\":\" \",\"entity\":\"e\",\"entity_key\":\"k\",\"op\":\"upsert\",\"payload\":[]}";

    PushMutation mutation = mapper.readValue(m, PushMutation.class);

    assertEquals("project must not be blank", mutation.semanticError());
  }

  @Test
  void pushResult_rejected_roundTripsWithoutSeq() throws Exception {
    PushResult result = PushResult.rejected(4, "policy_forbidden", "no", true);

    String json = mapper.writeValueAsString(result);

    assertEquals(
        "{\"client_seq\":4,\"status\":\"rejected\",\"code\":\"policy_forbidden\",\"message\":\"no\",\"retryable\":true}",
        json);
    assertEquals(result, mapper.readValue(json, PushResult.class));
  }

  @Test
  void pushResponse_designExampleWithoutRetryable_parses() throws Exception {
    String body =
        "{\"results\":[{\"client_seq\":41,\"status\":\"accepted\",\"seq\":1007},"
            + "{\"client_seq\":42,\"status\":\"duplicate\",\"seq\":990},"
            + "{\"client_seq\":43,\"status\":\"rejected\",\"code\":\"validation_error\","
            + "\"message\":\"bad\",\"retryable\":false}],\"latest_seq\":1007}";

    PushResponse response = mapper.readValue(body, PushResponse.class);

    assertEquals(
        List.of(
            PushResult.accepted(41, 1007),
            PushResult.duplicate(42, 990),
            PushResult.rejected(43, "validation_error", "bad", false)),
        response.results());
  }

  @Test
  void pushResult_rejectedWithoutRetryable_isNotRetryable() throws Exception {
    String body = "{\"client_seq\":4,\"status\":\"rejected\",\"code\":\"x\"}";

    assertEquals(false, mapper.readValue(body, PushResult.class).retryable());
  }

  @Test
  void read_fromBytes_keepsObjectAndArrayPayloadsVerbatim() throws Exception {
    String objectPayload = "{ \"a\" : [1, {\"b\":\"h\u00e9 \\\"q\\\" \ud83d\ude00\"}], \"big\":1e400 }";
    String body =
        "{\"mutations\":["
            + pulled(1, objectPayload)
            + ","
            + pulled(2, "[ ]")
            + ","
            + pulled(3, "\"text\"")
            + ","
            + pulled(4, "-0.10")
            + "],\"has_more\":false,\"latest_seq\":4}";

    PullResponse page = WireJson.read(body.getBytes(StandardCharsets.UTF_8), PullResponse.class);

    assertEquals(objectPayload, page.mutations().get(0).payload().json());
    assertEquals("[ ]", page.mutations().get(1).payload().json());
    assertEquals("\"text\"", page.mutations().get(2).payload().json());
    assertEquals("-0.10", page.mutations().get(3).payload().json());
  }

  @Test
  void read_fromBytes_keepsScalarPayloadsSpelledAsSent() throws Exception {
    String huge = "-" + "9".repeat(5_000);
    List<String> payloads =
        List.of(
            "-0", "0.1e1", "1e400", "-0.0E-0", "1E+2", huge, "\"\\u00e9\\/\\ud800\"", "\"h\u00e9\"",
            "true", "false", "{\"n\":" + huge + ",\"z\":-0}");
    StringBuilder body = new StringBuilder("{\"mutations\":[");
    for (int i = 0; i < payloads.size(); i++) {
      body.append(i == 0 ? "" : ",").append(pulled(i + 1, payloads.get(i)));
    }
    body.append("],\"has_more\":false,\"latest_seq\":").append(payloads.size()).append('}');

    PullResponse page =
        WireJson.read(body.toString().getBytes(StandardCharsets.UTF_8), PullResponse.class);

    assertEquals(
        payloads, page.mutations().stream().map(m -> m.payload().json()).toList());
  }

  @Test
  void read_fromText_keepsNumbersSpelledAsSent() throws Exception {
    String body =
        "{\"mutations\":[" + pulled(1, "0.1e1") + "," + pulled(2, "[-0,1e400]")
            + "],\"has_more\":false,\"latest_seq\":2}";

    PullResponse page = mapper.readValue(body, PullResponse.class);

    assertEquals("0.1e1", page.mutations().get(0).payload().json());
    assertEquals("[-0,1e400]", page.mutations().get(1).payload().json());
  }

  @Test
  void read_clientSeqLongerThanALong_isRejectedQuickly() {
    String m =
        "{\"client_seq\":" + "9".repeat(1_000_000)
            + ",\"project\":\"p\",\"entity\":\"e\",\"entity_key\":\"k\",\"op\":\"u\",\"payload\":1}";

    long started = System.nanoTime();
    assertThrows(
        JsonMappingException.class,
        () -> WireJson.read(m.getBytes(StandardCharsets.UTF_8), PushMutation.class));
    // Generous for a loaded machine; parsing the digits as a BigInteger would take far longer.
    assertTrue(System.nanoTime() - started < 5_000_000_000L);
  }

  @Test
  void read_fromBytes_brokenPayload_isRejected() {
    String body = "{\"mutations\":[" + pulled(1, "{\"a\":[1,}") + "],\"has_more\":false,\"latest_seq\":1}";

    assertThrows(
        IOException.class,
        () -> WireJson.read(body.getBytes(StandardCharsets.UTF_8), PullResponse.class));
  }

  @Test
  void pushMutation_numberWhereNameExpected_isRejectedAsMapping() {
    String m = "{\"client_seq\":1,\"project\":5,\"entity\":\"e\",\"entity_key\":\"k\",\"op\":\"upsert\",\"payload\":{}}";

    assertThrows(JsonMappingException.class, () -> mapper.readValue(m, PushMutation.class));
  }

  @Test
  void pushMutation_missingPayload_isRejectedButExplicitNullIsAValue() throws Exception {
    String head = "{\"client_seq\":1,\"project\":\"p\",\"entity\":\"e\",\"entity_key\":\"k\",\"op\":\"upsert\"";

    assertThrows(JsonMappingException.class, () -> mapper.readValue(head + "}", PushMutation.class));
    assertEquals("null", mapper.readValue(head + ",\"payload\":null}", PushMutation.class).payload().json());
  }

  private static String pulled(long seq, String payload) {
    return "{\"seq\":" + seq + ",\"replica_id\":\"r\",\"client_seq\":" + seq
        + ",\"project\":\"p\",\"entity\":\"e\",\"entity_key\":\"k\",\"op\":\"upsert\",\"payload\":"
        + payload + "}";
  }
}
