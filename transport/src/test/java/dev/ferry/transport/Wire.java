package dev.ferry.transport;

import dev.ferry.transport.wire.PushMutation;
import dev.ferry.transport.wire.PushRequest;
import dev.ferry.transport.wire.RawJson;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.random.RandomGenerator;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;

/** Requests and canned server answers of wire protocol v1 for tests. */
final class Wire {

  static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

  /** Jitter factor exactly 1: waits equal the nominal backoff. */
  static final RandomGenerator NO_JITTER =
      new RandomGenerator() {
        @Override
        public long nextLong() {
          return 0;
        }

        @Override
        public double nextDouble() {
          return 0.5;
        }
      };

  private Wire() {}

  /** A push of mutations with client_seq 1..n. */
  static PushRequest push(int n) {
    List<PushMutation> mutations = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      mutations.add(
          new PushMutation(
              i, "notes", "note", "n-" + i, "upsert", RawJson.of("{\"title\":\"t" + i + "\"}"), T0));
    }
    return new PushRequest("replica-1", 3, mutations);
  }

  /** A push response accepting client_seq 1..n as seq 100+i. */
  static String accepted(int n) {
    StringJoiner results = new StringJoiner(",");
    for (int i = 1; i <= n; i++) {
      results.add("{\"client_seq\":" + i + ",\"status\":\"accepted\",\"seq\":" + (100 + i) + "}");
    }
    return "{\"results\":[" + results + "],\"latest_seq\":" + (100 + n) + "}";
  }

  /** A pull page holding the given seqs. */
  static String page(boolean hasMore, long... seqs) {
    StringJoiner mutations = new StringJoiner(",");
    long latest = 0;
    for (long seq : seqs) {
      mutations.add(
          "{\"seq\":" + seq + ",\"replica_id\":\"r-2\",\"client_seq\":" + seq
              + ",\"project\":\"notes\",\"entity\":\"note\",\"entity_key\":\"n-" + seq
              + "\",\"op\":\"upsert\",\"payload\":{\"v\":" + seq + "},"
              + "\"created_at\":\"2026-11-21T10:00:00.000Z\",\"accepted_at\":\"2026-11-21T10:00:01.000Z\"}");
      latest = Math.max(latest, seq);
    }
    return "{\"mutations\":[" + mutations + "],\"has_more\":" + hasMore + ",\"latest_seq\":" + latest + "}";
  }

  static MockResponse json(int code, String body) {
    return new MockResponse.Builder()
        .code(code)
        .setHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }

  static MockResponse ok(String body) {
    return json(200, body);
  }

  static MockResponse error(int code, String errorClass, String errorCode, String text) {
    return json(
        code,
        "{\"error_class\":\"" + errorClass + "\",\"error_code\":\"" + errorCode
            + "\",\"error\":\"" + text + "\"}");
  }

  /** A dispatcher that answers every request the same way. */
  static Dispatcher always(MockResponse response) {
    return new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return response;
      }
    };
  }
}
