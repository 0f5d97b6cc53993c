package dev.ferry.server;

import java.util.StringJoiner;

/** Builds push bodies as JSON text, so tests can also send what the wire records would refuse. */
public final class Pushes {

  private Pushes() {}

  /** One mutation's JSON. */
  public static String mutation(long clientSeq, String project, String key, String payload) {
    return mutationAt(clientSeq, project, key, payload, "2026-11-21T10:00:00.000Z");
  }

  /** One mutation's JSON with {@code createdAt} as its {@code created_at} text. */
  public static String mutationAt(
      long clientSeq, String project, String key, String payload, String createdAt) {
    return "{\"client_seq\":"
        + clientSeq
        + ",\"project\":\""
        + project
        + "\",\"entity\":\"note\","
        + "\"entity_key\":\""
        + key
        + "\",\"op\":\"upsert\",\"payload\":"
        + payload
        + ",\"created_at\":\""
        + createdAt
        + "\"}";
  }

  /** A push of the given mutation JSON texts. */
  public static String body(String replica, long epoch, String... mutations) {
    StringJoiner j = new StringJoiner(",", "[", "]");
    for (String m : mutations) {
      j.add(m);
    }
    return "{\"replica_id\":\""
        + replica
        + "\",\"lease_epoch\":"
        + epoch
        + ",\"mutations\":"
        + j
        + "}";
  }

  /** A push of client seqs {@code from..to} (inclusive) to {@code project}. */
  public static String range(String replica, long epoch, String project, long from, long to) {
    String[] ms = new String[(int) (to - from + 1)];
    for (long s = from; s <= to; s++) {
      ms[(int) (s - from)] = mutation(s, project, replica + "-" + s, "{\"n\":" + s + "}");
    }
    return body(replica, epoch, ms);
  }
}
