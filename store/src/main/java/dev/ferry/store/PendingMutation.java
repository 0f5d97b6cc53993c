package dev.ferry.store;

import dev.ferry.store.internal.Checks;
import org.jspecify.annotations.Nullable;

/**
 * One row of the outbox as read. The text fields are as stored: a row someone wrote by hand may
 * hold blanks or a non-JSON payload; {@link Outbox#pending} never returns such rows (see {@link
 * PendingBatch#corrupt()}), {@link Outbox#list} shows them so an operator can drop them.
 *
 * @param seq the local sequence number ({@code client_seq} on the wire), never reused
 * @param createdAtMillis when it was recorded, epoch milliseconds of the store's clock
 * @param attempts how many pushes were answered with a retryable refusal
 * @param errorCode the classified reason of the last refusal or quarantine, if any
 * @param lastError the last refusal or quarantine text, if any
 * @param serverSeq the server's seq, set exactly when {@code state} is {@link MutationState#ACKED}
 */
public record PendingMutation(
    long seq,
    String target,
    String project,
    String entity,
    String entityKey,
    String op,
    String payloadJson,
    long createdAtMillis,
    MutationState state,
    int attempts,
    @Nullable String errorCode,
    @Nullable String lastError,
    @Nullable Long serverSeq) {

  /** @throws IllegalArgumentException for a non-positive seq or negative attempts */
  public PendingMutation {
    Checks.positive(seq, "seq");
    Checks.notNull(target, "target");
    Checks.notNull(project, "project");
    Checks.notNull(entity, "entity");
    Checks.notNull(entityKey, "entityKey");
    Checks.notNull(op, "op");
    Checks.notNull(payloadJson, "payloadJson");
    Checks.notNull(state, "state");
    Checks.notNegative(attempts, "attempts");
  }
}
