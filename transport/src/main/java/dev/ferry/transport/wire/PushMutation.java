package dev.ferry.transport.wire;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One mutation in a {@link PushRequest}.
 *
 * <p>Only the shape is checked here ({@code client_seq} positive, payload present); blank names are
 * allowed in the record so that a server can reject that one mutation ({@code validation_error})
 * instead of the whole request. {@link #semanticError()} says what a server should reject.
 *
 * @param clientSeq the replica's local sequence number, unique per replica, positive
 * @param project project name
 * @param entity entity type
 * @param entityKey entity key within the type
 * @param op {@code upsert}, {@code delete} or any non-blank token the host defines
 * @param payload the JSON value stored verbatim
 * @param createdAt when the host recorded the mutation, or null if unknown
 */
public record PushMutation(
    @JsonProperty(required = true) long clientSeq,
    @Nullable String project,
    @Nullable String entity,
    @Nullable String entityKey,
    @Nullable String op,
    RawJson payload,
    @Nullable Instant createdAt) {

  public PushMutation {
    if (clientSeq <= 0) {
      throw new IllegalArgumentException("client_seq must be positive, was " + clientSeq);
    }
    Objects.requireNonNull(payload, "payload");
  }

  /**
   * The reason a server must refuse this mutation alone, or null if it is well formed: names the
   * first of {@code project}, {@code entity}, {@code entity_key}, {@code op} that is missing or
   * blank.
   */
  public @Nullable String semanticError() {
    if (isBlank(project)) {
      return "project must not be blank";
    }
    if (isBlank(entity)) {
      return "entity must not be blank";
    }
    if (isBlank(entityKey)) {
      return "entity_key must not be blank";
    }
    if (isBlank(op)) {
      return "op must not be blank";
    }
    return null;
  }

  private static boolean isBlank(@Nullable String s) {
    return s == null || s.isBlank();
  }
}
