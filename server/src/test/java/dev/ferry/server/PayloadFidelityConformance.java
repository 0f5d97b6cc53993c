package dev.ferry.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.server.TestClient.Reply;
import dev.ferry.transport.HttpSyncTransport;
import dev.ferry.transport.wire.PullResponse;
import dev.ferry.transport.wire.PulledMutation;
import dev.ferry.transport.wire.PushMutation;
import dev.ferry.transport.wire.PushRequest;
import dev.ferry.transport.wire.PushResult;
import dev.ferry.transport.wire.PushStatus;
import dev.ferry.transport.wire.RawJson;
import dev.ferry.transport.wire.WireJson;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Payloads are stored and served byte for byte as sent, and a body that is not UTF-8 JSON holding
 * a push request is answered with the documented error JSON and stores nothing; run over real HTTP
 * against each storage.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class PayloadFidelityConformance {

  private static final String TOKEN = "payload-token-0123456789";

  /** Payloads that a parse-and-rewrite would change, each valid JSON. */
  static final List<String> TRICKY_PAYLOADS =
      List.of(
          "-0",
          "0.1e1",
          "1e400",
          "-0.0E-0",
          "123456789012345678901234567890123456789012345678901234567890",
          "9".repeat(2_000),
          "1.50",
          "\"h\\u00e9llo \\/ \\ud83d\\ude00 \\ud800 \\u0000\"",
          "\"héllo 😀 \u2028\"",
          "{ \"a\" : [ -0 , 0.1e1 , 1E+400 ] ,\n\t\"b\":{\"\\u00e9\":\"é\"} }",
          "[]",
          "true",
          "null");

  private FerryServer server;
  private TestClient client;

  /** A fresh, empty log, private to the running test. */
  protected abstract MutationLog openLog();

  /** Runs after the test's server (and so its log) has stopped: drop what the test created. */
  protected void afterServerStopped() {}

  /** Skips the test (an assumption) when the storage is not available here. */
  protected void assumeStorageAvailable() {}

  @BeforeEach
  void startServer() {
    assumeStorageAvailable();
    server =
        FerryServer.builder()
            .storage(openLog())
            .port(0)
            .grant(TokenGrant.allProjects(TOKEN, "acme"))
            .build()
            .start();
    client = new TestClient(server.baseUri());
  }

  @AfterEach
  void stopServer() {
    try {
      if (server != null) {
        server.stop(Duration.ofSeconds(5));
      }
    } finally {
      afterServerStopped();
    }
  }

  @Test
  void payloads_pushedThenPulled_areTheSameBytes() throws Exception {
    String[] mutations = new String[TRICKY_PAYLOADS.size()];
    for (int i = 0; i < mutations.length; i++) {
      mutations[i] = Pushes.mutation(i + 1, "notes", "k" + i, TRICKY_PAYLOADS.get(i));
    }
    assertEquals(200, client.push(TOKEN, Pushes.body("r1", 1, mutations)).status());

    Reply raw = client.pull(TOKEN, 0, 100, 0);
    PullResponse page = WireJson.read(raw.body(), PullResponse.class);

    assertEquals(TRICKY_PAYLOADS.size(), page.mutations().size());
    for (int i = 0; i < mutations.length; i++) {
      byte[] sent = TRICKY_PAYLOADS.get(i).getBytes(StandardCharsets.UTF_8);
      assertTrue(contains(raw.body(), sent), "served verbatim: " + TRICKY_PAYLOADS.get(i));
      assertArrayEquals(
          sent, page.mutations().get(i).payload().json().getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void payloads_throughTheFerryTransport_roundTripUnchanged() {
    List<PushMutation> ms = new ArrayList<>();
    for (int i = 0; i < TRICKY_PAYLOADS.size(); i++) {
      ms.add(
          new PushMutation(
              i + 1, "notes", "note", "k" + i, "upsert", RawJson.of(TRICKY_PAYLOADS.get(i)), null));
    }
    try (HttpSyncTransport t =
        HttpSyncTransport.builder().baseUrl(server.baseUri().toString()).token(TOKEN).build()) {
      assertTrue(t.push(new PushRequest("r1", 1, ms)).results().stream().allMatch(PushResult::stored));

      List<String> pulled =
          t.pull(0, 100, Duration.ZERO).mutations().stream()
              .map(PulledMutation::payload)
              .map(RawJson::json)
              .toList();

      assertEquals(TRICKY_PAYLOADS, pulled);
    }
  }

  @Test
  void malformedBodies_areAnswered400WithTheErrorJson_andStoreNothing() {
    String valid = Pushes.range("r1", 1, "notes", 1, 1);
    String head = valid.substring(0, valid.indexOf("{\"n\":1}"));
    String tail = valid.substring(valid.indexOf("{\"n\":1}") + "{\"n\":1}".length());
    Map<String, byte[]> bodies = new LinkedHashMap<>();
    Map<String, String> codes = new LinkedHashMap<>();
    for (String v : List.of("null", "[]", "1", "\"push\"", "true", "")) {
      bodies.put("body " + v, utf8(v));
      codes.put("body " + v, "invalid_request");
    }
    for (String cs : List.of("UTF-16", "UTF-16LE", "UTF-16BE", "UTF-32LE", "UTF-32BE")) {
      bodies.put(cs, valid.getBytes(Charset.forName(cs)));
      codes.put(cs, "malformed_json");
    }
    byte[][] notUtf8 = {
      {(byte) 0xc3, 0x28}, {(byte) 0xc0, (byte) 0xaf}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
      {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xff}, {0}
    };
    for (int i = 0; i < notUtf8.length; i++) {
      bodies.put("bad UTF-8 in payload " + i, concat(utf8(head + "{\"t\":\""), notUtf8[i], utf8("\"}" + tail)));
      codes.put("bad UTF-8 in payload " + i, "malformed_json");
    }
    bodies.put("numeric project", utf8(valid.replace("\"notes\"", "7")));
    codes.put("numeric project", "invalid_request");
    bodies.put("client_seq beyond a long", utf8(valid.replace("\"client_seq\":1", "\"client_seq\":9223372036854775808")));
    codes.put("client_seq beyond a long", "invalid_request");
    bodies.put("lease_epoch as a decimal", utf8(valid.replace("\"lease_epoch\":1", "\"lease_epoch\":1.0")));
    codes.put("lease_epoch as a decimal", "invalid_request");

    for (Map.Entry<String, byte[]> e : bodies.entrySet()) {
      Reply r = client.send(client.post("/v1/push", TOKEN, e.getValue()).build());
      assertErrorJson(r, 400, "validation", codes.get(e.getKey()), e.getKey());
    }
    assertEquals(0, client.pull(TOKEN, 0, 10, 0).pull().latestSeq());
  }

  @Test
  void escapedNulOrLoneSurrogate_refusedInANameButCarriedInAPayload() {
    String badKey = Pushes.mutation(1, "notes", "k\\ud800", "1");
    String nulKey = Pushes.mutation(2, "notes", "k\\u0000", "1");
    String payload = "\"\\ud800 \\u0000\"";

    List<PushResult> results =
        client
            .push(TOKEN, Pushes.body("r1", 1, badKey, nulKey, Pushes.mutation(3, "notes", "k", payload)))
            .push()
            .results();

    assertEquals(PushStatus.REJECTED, results.get(0).status());
    assertEquals("validation_error", results.get(0).code());
    assertEquals("validation_error", results.get(1).code());
    assertEquals(PushResult.accepted(3, 1), results.get(2));
    Reply raw = client.pull(TOKEN, 0, 10, 0);
    assertTrue(contains(raw.body(), utf8(payload)), raw.text());
  }

  @Test
  void pullParameters_asciiDigitsOnly_unknownOnesIgnored() {
    for (String q : List.of("since=%D9%A3", "since=%EF%BC%93", "since=%2B1", "since=1&since=1")) {
      assertErrorJson(
          client.send(client.get("/v1/pull?" + q, TOKEN).build()), 400, "validation", "invalid_parameter", q);
    }
    Reply ok = client.send(client.get("/v1/pull?x=1&x=2&y&since=0", TOKEN).build());
    assertEquals(200, ok.status(), ok.text());
  }

  private static void assertErrorJson(Reply r, int status, String errorClass, String code, String what) {
    assertEquals(status, r.status(), what + ": " + r.text());
    assertTrue(String.valueOf(r.contentType()).startsWith("application/json"), what);
    JsonNode json = r.json();
    assertEquals(errorClass, json.path("error_class").asText(), what);
    assertEquals(code, json.path("error_code").asText(), what + ": " + r.text());
    assertTrue(json.path("error").isTextual(), what);
    List<String> names = new ArrayList<>();
    json.fieldNames().forEachRemaining(names::add);
    assertEquals(Set.of("error_class", "error_code", "error"), Set.copyOf(names), what);
  }

  private static boolean contains(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int k = 0; k < needle.length; k++) {
        if (hay[i + k] != needle[k]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
