package dev.ferry.bench;

import dev.ferry.transport.wire.PushMutation;
import dev.ferry.transport.wire.PushRequest;
import dev.ferry.transport.wire.RawJson;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/** Wire data of the size the benchmarks measure: ~200-byte payloads, as in WireJsonBenchmark. */
final class Fixtures {

  private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

  private Fixtures() {}

  static String payload(int i) {
    return "{\"title\":\"note " + i + "\",\"body\":\"" + "x".repeat(150) + "\"}";
  }

  static PushRequest push(int n) {
    List<PushMutation> mutations = new ArrayList<>(n);
    for (int i = 1; i <= n; i++) {
      mutations.add(
          new PushMutation(i, "notes", "note", "n-" + i, "upsert", RawJson.of(payload(i)), T0));
    }
    return new PushRequest("replica-1", 1, mutations);
  }

  static String acceptedAnswer(int n) {
    StringJoiner results = new StringJoiner(",");
    for (int i = 1; i <= n; i++) {
      results.add("{\"client_seq\":" + i + ",\"status\":\"accepted\",\"seq\":" + (1000 + i) + "}");
    }
    return "{\"results\":[" + results + "],\"latest_seq\":" + (1000 + n) + "}";
  }

  static String pullPage(int n) {
    StringJoiner mutations = new StringJoiner(",");
    for (int i = 1; i <= n; i++) {
      mutations.add(
          "{\"seq\":" + i + ",\"replica_id\":\"7f9c2d1e-0000-4000-8000-000000000001\",\"client_seq\":"
              + i + ",\"project\":\"notes\",\"entity\":\"note\",\"entity_key\":\"n-" + i
              + "\",\"op\":\"upsert\",\"payload\":" + payload(i)
              + ",\"created_at\":\"2026-11-21T10:00:00.000Z\",\"accepted_at\":\"2026-11-21T10:00:01.000Z\"}");
    }
    return "{\"mutations\":[" + mutations + "],\"has_more\":false,\"latest_seq\":" + n + "}";
  }
}
