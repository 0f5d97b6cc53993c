package dev.ferry.store;

import dev.ferry.store.internal.Checks;

/**
 * A mutation pulled from the server, in the store's terms ({@code core} maps the wire record to
 * this). The payload is JSON text as the server sent it; the store does not parse it.
 *
 * @param serverSeq the server's seq: the cursor and the order every replica converges on
 * @param replicaId the replica that wrote it; equal to {@link SyncStore#replicaId()} for own echoes
 * @param clientSeq the writing replica's local seq
 * @param createdAtMillis when the writer recorded it (epoch ms, the writer's clock)
 * @param acceptedAtMillis when the server stored it (epoch ms, the server's clock)
 */
public record RemoteMutation(
    long serverSeq,
    String replicaId,
    long clientSeq,
    String project,
    String entity,
    String entityKey,
    String op,
    String payloadJson,
    long createdAtMillis,
    long acceptedAtMillis) {

  /** @throws IllegalArgumentException for a non-positive serverSeq, negative clientSeq or blank text */
  public RemoteMutation {
    Checks.positive(serverSeq, "serverSeq");
    Checks.text(replicaId, "replicaId");
    Checks.notNegative(clientSeq, "clientSeq");
    Checks.text(project, "project");
    Checks.text(entity, "entity");
    Checks.text(entityKey, "entityKey");
    Checks.text(op, "op");
    Checks.notNull(payloadJson, "payloadJson");
  }
}
