package dev.ferry.store;

import dev.ferry.store.internal.Checks;
import org.jspecify.annotations.Nullable;

/**
 * One entity in {@code ferry_documents}, as the built-in document store materialized it.
 *
 * @param payloadJson the content; {@code null} (JSON) for a tombstone
 * @param deleted whether this is a tombstone left by a {@code delete}
 * @param serverSeq the server seq of the remote write that last set it; null while it only
 *     holds local writes that were never applied from the server
 * @param updatedAtMillis when it last changed: the server's accept time for a remote write, the
 *     store's clock for a local one
 */
public record Document(
    String project,
    String entity,
    String entityKey,
    String payloadJson,
    boolean deleted,
    @Nullable Long serverSeq,
    long updatedAtMillis) {

  /** @throws NullPointerException naming a missing field */
  public Document {
    Checks.notNull(project, "project");
    Checks.notNull(entity, "entity");
    Checks.notNull(entityKey, "entityKey");
    Checks.notNull(payloadJson, "payloadJson");
  }
}
