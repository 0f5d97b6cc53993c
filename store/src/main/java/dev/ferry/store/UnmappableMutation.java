package dev.ferry.store;

import dev.ferry.store.internal.Checks;

/**
 * A pulled mutation that cannot become a {@link RemoteMutation} (a blank project, entity, key, op
 * or replica id, a negative client seq): {@link FencedWriter#applyPage(java.util.List,
 * java.util.List, long)} quarantines it ({@link Inbox#UNMAPPABLE}) and moves the cursor past it.
 * Text fields are as the server sent them.
 *
 * @param reason what is wrong with it
 */
public record UnmappableMutation(
    long serverSeq,
    String replicaId,
    long clientSeq,
    String project,
    String entity,
    String entityKey,
    String op,
    String payloadJson,
    long createdAtMillis,
    long acceptedAtMillis,
    String reason) {

  /** @throws IllegalArgumentException for a non-positive server seq or a missing field */
  public UnmappableMutation {
    Checks.asSent(serverSeq, replicaId, project, entity, entityKey, op, payloadJson);
    Checks.text(reason, "reason");
  }
}
