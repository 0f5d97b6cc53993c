package dev.ferry.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.ferry.server.TestClient.Reply;
import dev.ferry.transport.wire.PullResponse;
import dev.ferry.transport.wire.PushRequest;
import dev.ferry.transport.wire.PushResult;
import dev.ferry.transport.wire.WireJson;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thousands of randomly broken requests: none may be answered 500 (or with a dropped connection),
 * every answer is an error body or a push whose every mutation was rejected, and nothing is stored.
 * Seeded, so a failure reproduces; the seed is in the failure message.
 */
class BrokenRequestFuzzTest {

  private static final String TOKEN = "fuzz-token-0123456789abcdef";
  private static final long SEED = 0x5EED_F00DL;
  private static final int CASES = 3_000;
  private static final int MAX_BODY = 64 * 1024;
  private static final int MAX_BATCH = 50;

  /**
   * What the server would store: within the limits, parses strictly and has a mutation without a
   * blank name.
   */
  private static final ObjectReader ORACLE =
      WireJson.mapper()
          .readerFor(PushRequest.class)
          .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .without(DeserializationFeature.ACCEPT_FLOAT_AS_INT);

  private static final String[] WRONG_VALUES = {
    "null",
    "\"x\"",
    "\"\"",
    "1.5",
    "-1",
    "0",
    "[]",
    "{}",
    "true",
    "1e400",
    "99999999999999999999",
    "[null]",
    "{\"a\":1}",
    "\"\\u0000\"",
    "-0",
    "[1,2]"
  };
  private static final String[] FIELDS = {
    "replica_id",
    "lease_epoch",
    "mutations",
    "client_seq",
    "project",
    "entity",
    "entity_key",
    "op",
    "payload",
    "created_at"
  };
  private static final char[] PALETTE =
      "{}[]:,\"\\ 0123456789-+.eEtrufalsn\u0000\u00e9\ud83d\t\nxyz".toCharArray();

  @TempDir Path dir;
  private FerryServer server;
  private TestClient client;
  private final RandomGenerator random = new SplittableRandom(SEED);
  private final String valid =
      Pushes.body(
          "fuzz-replica",
          3,
          Pushes.mutation(1, "notes", "k-1", "{\"title\":\"hi\",\"n\":[1,2,{\"x\":null}]}"),
          Pushes.mutation(2, "notes", "k-2", "\"text\""));

  @BeforeEach
  void start() {
    server =
        FerryServer.builder()
            .storage(MutationLog.sqlite(dir.resolve("fuzz.db")))
            .port(0)
            .grant(TokenGrant.allProjects(TOKEN, "fuzz"))
            .limits(
                ServerLimits.builder().maxBodyBytes(MAX_BODY).maxBatchMutations(MAX_BATCH).build())
            .build()
            .start();
    client = new TestClient(server.baseUri());
  }

  @AfterEach
  void stop() {
    server.stop(Duration.ofSeconds(5));
  }

  @Test
  void brokenPushBodies_neverAnswer500_andStoreNothing() {
    Map<String, Function<byte[], byte[]>> breakers = new TreeMap<>();
    breakers.put("truncate", b -> Arrays.copyOf(b, random.nextInt(b.length)));
    breakers.put("garbage", b -> randomBytes(random.nextInt(300)));
    breakers.put("replace", this::replaceChars);
    breakers.put("delete", this::deleteSpan);
    breakers.put("repeat", this::repeatSpan);
    breakers.put("wrong_value", b -> wrongValue());
    breakers.put("deep", b -> deepPayload());
    breakers.put("oversized", b -> oversized());
    breakers.put("too_many", b -> tooMany());
    breakers.put("blank_names", b -> blankNames());
    String[] names = breakers.keySet().toArray(String[]::new);
    Map<String, Integer> tried = new TreeMap<>();
    Map<Integer, Integer> statuses = new TreeMap<>();

    byte[] base = valid.getBytes(StandardCharsets.UTF_8);
    int done = 0;
    while (done < CASES) {
      String name = names[random.nextInt(names.length)];
      byte[] body = breakers.get(name).apply(base);
      if (wouldStore(body)) {
        continue;
      }
      done++;
      tried.merge(name, 1, Integer::sum);
      boolean gzip = random.nextInt(10) == 0;
      HttpRequest.Builder request =
          client.post("/v1/push", TOKEN, gzip ? maybeCorruptGzip(body) : body);
      if (gzip) {
        request.header("Content-Encoding", random.nextInt(20) == 0 ? "br" : "gzip");
      }
      Reply reply = client.send(request.build());
      statuses.merge(reply.status(), 1, Integer::sum);
      String context =
          "seed "
              + SEED
              + ", case "
              + done
              + " ("
              + name
              + "): "
              + new String(body, StandardCharsets.UTF_8);
      assertTrue(
          Set.of(200, 400, 413).contains(reply.status()),
          reply.status() + " " + reply.text() + " for " + context);
      if (reply.status() == 200) {
        assertTrue(reply.push().results().stream().noneMatch(PushResult::stored), context);
      } else {
        assertNotEquals("", reply.error().errorCode(), context);
      }
    }

    PullResponse everything = client.pull(TOKEN, 0, 1_000, 0).pull();
    assertEquals(0, everything.latestSeq(), "no row stored; statuses " + statuses);
    assertTrue(everything.mutations().isEmpty());
    assertEquals(names.length, tried.size(), "every breaker ran: " + tried);
  }

  @Test
  void brokenPullQueriesAndPaths_neverAnswer500() {
    String palette = "0123456789-+=&;_abcxyz.%20%41";
    for (int i = 0; i < 500; i++) {
      StringBuilder q = new StringBuilder();
      int len = random.nextInt(30);
      for (int k = 0; k < len; k++) {
        q.append(palette.charAt(random.nextInt(palette.length() - 6)));
      }
      String[] keys = {"since=", "limit=", "wait_ms=", ""};
      String query = keys[random.nextInt(keys.length)] + q;
      String path = random.nextInt(5) == 0 ? "/v1/pu" + q.toString().replace("%", "") : "/v1/pull";
      Reply reply = client.send(client.get(path + "?" + query.replace("%", "%25"), TOKEN).build());
      assertTrue(
          Set.of(200, 400, 404).contains(reply.status()),
          reply.status() + " for " + path + "?" + query);
      if (reply.status() != 200) {
        assertNotEquals("", reply.error().errorCode());
      }
    }
  }

  private boolean wouldStore(byte[] body) {
    if (body.length > MAX_BODY) {
      return false;
    }
    try {
      PushRequest r = ORACLE.readValue(body);
      return r.mutations().size() <= MAX_BATCH
          && r.mutations().stream().anyMatch(m -> m.semanticError() == null);
    } catch (Exception notAPush) {
      return false;
    }
  }

  private byte[] replaceChars(byte[] base) {
    char[] chars = new String(base, StandardCharsets.UTF_8).toCharArray();
    int n = 1 + random.nextInt(5);
    for (int i = 0; i < n; i++) {
      chars[random.nextInt(chars.length)] = PALETTE[random.nextInt(PALETTE.length)];
    }
    return new String(chars).getBytes(StandardCharsets.UTF_8);
  }

  private byte[] deleteSpan(byte[] base) {
    int from = random.nextInt(base.length);
    int to = Math.min(base.length, from + 1 + random.nextInt(20));
    byte[] out = new byte[base.length - (to - from)];
    System.arraycopy(base, 0, out, 0, from);
    System.arraycopy(base, to, out, from, base.length - to);
    return out;
  }

  private byte[] repeatSpan(byte[] base) {
    int from = random.nextInt(base.length);
    int to = Math.min(base.length, from + 1 + random.nextInt(20));
    int at = random.nextInt(base.length);
    byte[] span = Arrays.copyOfRange(base, from, to);
    byte[] out = new byte[base.length + span.length];
    System.arraycopy(base, 0, out, 0, at);
    System.arraycopy(span, 0, out, at, span.length);
    System.arraycopy(base, at, out, at + span.length, base.length - at);
    return out;
  }

  private byte[] wrongValue() {
    String field = FIELDS[random.nextInt(FIELDS.length)];
    String value = WRONG_VALUES[random.nextInt(WRONG_VALUES.length)];
    // Replaces the value after the first occurrence of the field with a wrong one.
    String body =
        valid.replaceFirst(
            "\"" + field + "\":(\"[^\"]*\"|\\{[^}]*\\}|\\[[^\\]]*\\]|[^,}]+)",
            Matcher.quoteReplacement("\"" + field + "\":" + value));
    return body.getBytes(StandardCharsets.UTF_8);
  }

  private byte[] deepPayload() {
    int depth = 257 + random.nextInt(2_000);
    String payload = "[".repeat(depth) + "]".repeat(depth);
    return Pushes.body("r", 1, Pushes.mutation(1, "notes", "k", payload))
        .getBytes(StandardCharsets.UTF_8);
  }

  private byte[] oversized() {
    String payload = "\"" + "y".repeat(MAX_BODY + random.nextInt(10_000)) + "\"";
    return Pushes.body("r", 1, Pushes.mutation(1, "notes", "k", payload))
        .getBytes(StandardCharsets.UTF_8);
  }

  private byte[] tooMany() {
    return Pushes.range("r", 1, "notes", 1, MAX_BATCH + 1 + random.nextInt(100))
        .getBytes(StandardCharsets.UTF_8);
  }

  private byte[] blankNames() {
    String[] blanks = {"\"\"", "\" \"", "null", "\"\\t\""};
    String m =
        "{\"client_seq\":"
            + (1 + random.nextInt(1000))
            + ",\"project\":"
            + blanks[random.nextInt(4)]
            + ",\"entity\":\"e\",\"entity_key\":"
            + blanks[random.nextInt(4)]
            + ",\"op\":\"upsert\",\"payload\":{}}";
    return Pushes.body("r", 1, m).getBytes(StandardCharsets.UTF_8);
  }

  private byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  private byte[] maybeCorruptGzip(byte[] body) {
    byte[] gz = TestClient.gzip(body);
    switch (random.nextInt(3)) {
      case 0:
        return gz;
      case 1:
        return Arrays.copyOf(gz, random.nextInt(gz.length));
      default:
        gz[random.nextInt(gz.length)] ^= (byte) (1 + random.nextInt(255));
        return gz;
    }
  }
}
