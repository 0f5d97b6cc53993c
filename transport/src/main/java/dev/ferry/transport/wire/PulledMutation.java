package dev.ferry.transport.wire;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One mutation in a {@link PullResponse}, as stored in the server's log.
 *
 * @param seq the server seq, positive
 * @param replicaId the replica that pushed it
 * @param clientSeq that replica's local seq
 * @param project project name
 * @param entity entity type
 * @param entityKey entity key
 * @param op operation token
 * @param payload the JSON value, verbatim
 * @param createdAt when the writing host recorded it, or null if unknown
 * @param acceptedAt when the server stored it, or null if unknown
 */
public record PulledMutation(
    @JsonProperty(required = true) long seq,
    String replicaId,
    @JsonProperty(required = true) long clientSeq,
    String project,
    String entity,
    String entityKey,
    String op,
    RawJson payload,
    @Nullable Instant createdAt,
    @Nullable Instant acceptedAt) {

  public PulledMutation {
    if (seq <= 0) {
      throw new IllegalArgumentException("seq must be positive, was " + seq);
    }
    Objects.requireNonNull(replicaId, "replica_id");
    Objects.requireNonNull(project, "project");
    Objects.requireNonNull(entity, "entity");
    Objects.requireNonNull(entityKey, "entity_key");
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(payload, "payload");
  }
}
