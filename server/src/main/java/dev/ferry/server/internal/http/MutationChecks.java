package dev.ferry.server.internal.http;

import dev.ferry.transport.wire.PushMutation;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * What makes one pushed mutation, or a push's replica id, unstorable beyond its JSON shape: blank
 * names, overlong names, names that a database cannot hold faithfully (NUL, which PostgreSQL
 * refuses, and unpaired UTF-16 surrogates, which no UTF-8 column can store; both can only come from
 * JSON's backslash-u escapes), and a {@code created_at} outside the years 0000–9999.
 *
 * <p>The payload is not checked here: it is stored as the JSON text it was sent as, which {@link
 * PushParser} has already found to be UTF-8 without NUL bytes, so the escapes of NUL or of a lone
 * surrogate stay six ASCII characters that every database holds.
 */
final class MutationChecks {

  /** Longest project, entity, entity key or op, in chars. */
  static final int MAX_NAME_CHARS = 1_024;

  /**
   * The {@code created_at} range kept: the log stores epoch milliseconds, which overflow near the
   * year 292 million, and the wire's timestamp shape has four-digit years. Parseable instants span
   * a billion years either way, so the range is checked here rather than failing the append.
   */
  static final Instant EARLIEST_CREATED_AT = Instant.parse("0000-01-01T00:00:00Z");

  static final Instant CREATED_AT_LIMIT = Instant.parse("+10000-01-01T00:00:00Z");

  /** Longest replica id, in chars. */
  static final int MAX_REPLICA_ID_CHARS = 200;

  private MutationChecks() {}

  /** Why {@code m} must be rejected alone (non-retryable), or null if it may be stored. */
  static @Nullable String problem(PushMutation m) {
    String blank = m.semanticError();
    if (blank != null) {
      return blank;
    }
    String p = nameProblem("project", m.project());
    if (p == null) {
      p = nameProblem("entity", m.entity());
    }
    if (p == null) {
      p = nameProblem("entity_key", m.entityKey());
    }
    if (p == null) {
      p = nameProblem("op", m.op());
    }
    Instant created = m.createdAt();
    if (p == null
        && created != null
        && (created.isBefore(EARLIEST_CREATED_AT) || !created.isBefore(CREATED_AT_LIMIT))) {
      p = "created_at must be between years 0000 and 9999";
    }
    return p;
  }

  /** Why the push's replica id is unusable, or null. */
  static @Nullable String replicaIdProblem(String replicaId) {
    if (replicaId.length() > MAX_REPLICA_ID_CHARS) {
      return "replica_id must be at most " + MAX_REPLICA_ID_CHARS + " characters";
    }
    if (!storable(replicaId) || replicaId.chars().anyMatch(Character::isISOControl)) {
      return "replica_id must not contain control characters or unpaired surrogates";
    }
    return null;
  }

  private static @Nullable String nameProblem(String field, @Nullable String value) {
    if (value == null) {
      return field + " must not be blank";
    }
    if (value.length() > MAX_NAME_CHARS) {
      return field + " must be at most " + MAX_NAME_CHARS + " characters";
    }
    if (!storable(value)) {
      return field + " must not contain NUL characters or unpaired surrogates";
    }
    return null;
  }

  /** True unless {@code s} holds a NUL or an unpaired surrogate. */
  static boolean storable(String s) {
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (c == 0) {
        return false;
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= n || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }
}
