package dev.ferry.store;

import dev.ferry.store.internal.Checks;
import org.jspecify.annotations.Nullable;

/**
 * A pulled mutation in the inbound quarantine ({@link Inbox}): it failed to apply again and again,
 * or could never be applied, and the cursor moved past it. It stays until an operator retries or
 * skips it. Text fields are as the server sent them (an unmappable one may hold blank text).
 *
 * @param target the sync target
 * @param serverSeq the server's seq
 * @param replicaId the writing replica
 * @param clientSeq the writer's local seq
 * @param project the project
 * @param entity the entity type
 * @param entityKey the entity key
 * @param op the operation
 * @param payloadJson the payload as JSON text
 * @param createdAtMillis when the writer recorded it (epoch ms)
 * @param acceptedAtMillis when the server stored it (epoch ms)
 * @param errorCode {@value Inbox#POISON}, {@value Inbox#APPLY_FAILED} or {@value Inbox#UNMAPPABLE}
 * @param error the applier's error, for people
 * @param attempts how many times applying it failed
 * @param quarantinedAtMillis when it was quarantined (store clock)
 * @param newerSeq the highest server seq of a later write of the same key handled since (it wins
 *     in server order, so a retry skips this one); null when none came
 */
public record InboundMutation(
    String target,
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
    String errorCode,
    String error,
    int attempts,
    long quarantinedAtMillis,
    @Nullable Long newerSeq) {

  /** @throws IllegalArgumentException for a non-positive server seq or a missing field */
  public InboundMutation {
    Checks.text(target, "target");
    Checks.asSent(serverSeq, replicaId, project, entity, entityKey, op, payloadJson);
    Checks.text(errorCode, "errorCode");
    Checks.notNull(error, "error");
  }

  /** The mutation as the applier sees it; fails for an unmappable one (blank text). */
  public RemoteMutation toRemote() {
    return new RemoteMutation(serverSeq, replicaId, clientSeq, project, entity, entityKey, op, payloadJson,
        createdAtMillis, acceptedAtMillis);
  }
}
