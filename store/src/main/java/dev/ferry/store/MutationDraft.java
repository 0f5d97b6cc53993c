package dev.ferry.store;

import dev.ferry.store.internal.Checks;

/**
 * A local write to record in the outbox, as the host describes it. Validated on construction:
 * every text field must be non-blank and free of unpaired UTF-16 surrogates ({@link
 * IllegalArgumentException} naming the field). The payload's JSON syntax and size are checked
 * when it is recorded, because the size limit is the store's configuration.
 *
 * <p>A delete carries the payload {@code null} (the JSON literal): a deleted entity has no content,
 * and the wire format sends {@code "payload":null}.
 *
 * @param target the sync target, {@value #DEFAULT_TARGET} unless the host syncs to several servers
 * @param project the project (unit of access control and enrollment)
 * @param entity the entity kind, e.g. {@code note}
 * @param entityKey the entity's key within its kind
 * @param op {@code upsert}, {@code delete}, or any non-blank token the host's appliers understand
 * @param payloadJson the JSON text, stored and sent verbatim
 */
public record MutationDraft(
    String target, String project, String entity, String entityKey, String op, String payloadJson) {

  /** The target a draft goes to unless {@link #withTarget} says otherwise. */
  public static final String DEFAULT_TARGET = "cloud";

  /** The op that writes an entity's whole content. */
  public static final String UPSERT = "upsert";

  /** The op that deletes an entity (a tombstone in the document store). */
  public static final String DELETE = "delete";

  /** The payload of a delete. */
  public static final String DELETE_PAYLOAD = "null";

  /** @throws IllegalArgumentException naming the first field that is null or blank */
  public MutationDraft {
    Checks.text(target, "target");
    Checks.text(project, "project");
    Checks.text(entity, "entity");
    Checks.text(entityKey, "entityKey");
    Checks.text(op, "op");
    if (payloadJson == null) {
      throw new IllegalArgumentException("payloadJson must not be null (use the JSON text \"null\")");
    }
  }

  /** An {@code upsert} of {@code payloadJson} for the default target. */
  public static MutationDraft upsert(String project, String entity, String entityKey, String payloadJson) {
    return new MutationDraft(DEFAULT_TARGET, project, entity, entityKey, UPSERT, payloadJson);
  }

  /** A {@code delete} (payload {@code null}) for the default target. */
  public static MutationDraft delete(String project, String entity, String entityKey) {
    return new MutationDraft(DEFAULT_TARGET, project, entity, entityKey, DELETE, DELETE_PAYLOAD);
  }

  /** This draft for another target. */
  public MutationDraft withTarget(String target) {
    return new MutationDraft(target, project, entity, entityKey, op, payloadJson);
  }
}
