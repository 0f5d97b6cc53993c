package dev.ferry.cli.internal.bench;

import dev.ferry.store.MutationDraft;

/** Bench mutations: upserts of distinct keys with JSON payloads of a fixed size. */
final class Payloads {

  static final String PROJECT = "bench";
  static final String ENTITY = "item";

  private Payloads() {}

  static MutationDraft draft(String key, int n, int payloadBytes) {
    return MutationDraft.upsert(PROJECT, ENTITY, key, payload(n, payloadBytes));
  }

  /** A JSON object of exactly {@code bytes} bytes (at least the bare frame). */
  static String payload(int n, int bytes) {
    String head = "{\"n\":" + n + ",\"body\":\"";
    String tail = "\"}";
    int fill = Math.max(0, bytes - head.length() - tail.length());
    StringBuilder b = new StringBuilder(bytes).append(head);
    for (int i = 0; i < fill; i++) {
      b.append((char) ('a' + (n + i) % 26));
    }
    return b.append(tail).toString();
  }
}
