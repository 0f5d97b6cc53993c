package dev.ferry.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.ferry.server.TestClient.Reply;
import dev.ferry.transport.wire.PullResponse;
import dev.ferry.transport.wire.PushMutation;
import dev.ferry.transport.wire.PushRequest;
import dev.ferry.transport.wire.PushResult;
import dev.ferry.transport.wire.WireJson;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import java.util.regex.Matcher;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thousands of randomly broken requests: none may be answered 500 (or with a dropped connection),
 * every answer is an error body or a push whose every mutation was rejected, and nothing is stored.
 * Seeded, so a failure reproduces; the seed is in the failure message.
 *
 * <p>Some mutations turn out well formed, among them extreme but parseable ones (the largest client
 * seq and epoch, timestamps at and beyond the years the server keeps). They are not skipped: an
 * independent oracle of what the server must store routes them to a second tenant, where each must
 * be stored or rejected as the oracle says, and never fail the server.
 */
class BrokenRequestFuzzTest {

  private static final String TOKEN = "fuzz-token-0123456789abcdef";
  private static final String VALID_TOKEN = "fuzz-valid-token-0123456789";
  private static final long SEED = 0x5EED_F00DL;
  private static final int CASES = 3_000;
  private static final int MAX_BODY = 64 * 1024;
  private static final int MAX_BATCH = 50;

  /** Parses as strictly as the server does, for the oracle. */
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

  /** Parseable values at or beyond the edges of what the server accepts. */
  private static final Map<String, String[]> EXTREME_VALUES =
      Map.of(
          "created_at",
          new String[] {
            "\"+300000000-01-01T00:00:00Z\"",
            "\"+1000000000-12-31T23:59:59.999999999Z\"",
            "\"-1000000000-01-01T00:00:00Z\"",
            "\"+10000-01-01T00:00:00Z\"",
            "\"-0001-12-31T23:59:59.999Z\"",
            "\"0000-01-01T00:00:00Z\"",
            "\"9999-12-31T23:59:59.999999999Z\"",
            "null"
          },
          "client_seq",
          new String[] {"9223372036854775807", "9223372036854775806", "1"},
          "lease_epoch",
          new String[] {"9223372036854775807", "0"},
          "payload",
          new String[] {"9223372036854775808", "1e400", "-0.0", "\"\\u0000\"", "null", "[]"},
          "entity_key",
          new String[] {
            "\"" + "k".repeat(1024) + "\"",
            "\"" + "k".repeat(1025) + "\"",
            "\"\\ud83d\\ude00\"",
            "\"\\ud83d\"",
            "\"\\u0001\"",
            "\"*\""
          });

  /** Bounds of the years 0000–9999 in epoch seconds, the created_at range the server keeps. */
  private static final long YEAR_0 = -62_167_219_200L;

  private static final long YEAR_10000 = 253_402_300_800L;

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
            .grant(TokenGrant.allProjects(VALID_TOKEN, "fuzz-valid"))
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
    breakers.put("extreme", b -> extremeValue());
    String[] names = breakers.keySet().toArray(String[]::new);
    Map<String, Integer> tried = new TreeMap<>();
    Map<Integer, Integer> statuses = new TreeMap<>();

    byte[] base = valid.getBytes(StandardCharsets.UTF_8);
    int done = 0;
    int storable = 0;
    while (done < CASES) {
      String name = names[random.nextInt(names.length)];
      byte[] body = breakers.get(name).apply(base);
      PushRequest parsed = parse(body);
      if (parsed != null && wouldStore(body, parsed)) {
        storable++;
        pushWellFormed(name, body, parsed);
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
    assertTrue(storable > 0, "some cases were well formed and pushed to the other tenant");
  }

  /**
   * Pushes a body with at least one mutation the server must store, in the other tenant: it is
   * answered (a higher epoch seen earlier makes it 409), mutations the oracle refuses are rejected
   * as invalid and the others are not.
   */
  private void pushWellFormed(String breaker, byte[] body, PushRequest parsed) {
    Reply reply = client.send(client.post("/v1/push", VALID_TOKEN, body).build());
    String context =
        "seed "
            + SEED
            + " ("
            + breaker
            + ", well formed): "
            + new String(body, StandardCharsets.UTF_8);
    assertTrue(
        Set.of(200, 409).contains(reply.status()),
        reply.status() + " " + reply.text() + " for " + context);
    if (reply.status() != 200) {
      return;
    }
    List<PushResult> results = reply.push().results();
    for (int i = 0; i < results.size(); i++) {
      boolean invalid = "validation_error".equals(results.get(i).code());
      assertEquals(!storable(parsed.mutations().get(i)), invalid, i + " in " + context);
    }
  }

  private static @Nullable PushRequest parse(byte[] body) {
    try {
      return ORACLE.readValue(body);
    } catch (Exception notAPush) {
      return null;
    }
  }

  /**
   * Whether the server must store at least one mutation of {@code body}: within the limits, a
   * usable replica id and a mutation the oracle finds storable.
   */
  private static boolean wouldStore(byte[] body, PushRequest r) {
    String replica = r.replicaId();
    return body.length <= MAX_BODY
        && r.mutations().size() <= MAX_BATCH
        && replica.length() <= 200
        && wellFormed(replica)
        && replica.chars().noneMatch(Character::isISOControl)
        && r.mutations().stream().anyMatch(BrokenRequestFuzzTest::storable);
  }

  /** The rules of the protocol, written independently of the server's checks. */
  private static boolean storable(PushMutation m) {
    if (m.semanticError() != null) {
      return false;
    }
    for (String name : new String[] {m.project(), m.entity(), m.entityKey(), m.op()}) {
      if (name.length() > 1024 || !wellFormed(name)) {
        return false;
      }
    }
    Instant created = m.createdAt();
    return wellFormed(m.payload().json())
        && (created == null
            || (created.getEpochSecond() >= YEAR_0 && created.getEpochSecond() < YEAR_10000));
  }

  /** No NUL, and survives UTF-8 (an unpaired surrogate does not). */
  private static boolean wellFormed(String s) {
    return s.indexOf('\0') < 0
        && s.equals(new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
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
    return replaceFirstValue(field, WRONG_VALUES[random.nextInt(WRONG_VALUES.length)]);
  }

  /** The valid body with the value after the first occurrence of {@code field} replaced. */
  private byte[] replaceFirstValue(String field, String value) {
    String body =
        valid.replaceFirst(
            "\"" + field + "\":(\"[^\"]*\"|\\{[^}]*\\}|\\[[^\\]]*\\]|[^,}]+)",
            Matcher.quoteReplacement("\"" + field + "\":" + value));
    return body.getBytes(StandardCharsets.UTF_8);
  }

  private byte[] extremeValue() {
    String[] fields = EXTREME_VALUES.keySet().stream().sorted().toArray(String[]::new);
    String field = fields[random.nextInt(fields.length)];
    String[] values = EXTREME_VALUES.get(field);
    return replaceFirstValue(field, values[random.nextInt(values.length)]);
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
