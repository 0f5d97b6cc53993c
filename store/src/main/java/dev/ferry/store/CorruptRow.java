package dev.ferry.store;

import dev.ferry.store.internal.Checks;

/**
 * A pending outbox row that cannot be pushed as stored (blank project, entity, key or op, or a
 * payload that is not valid JSON), typically written by hand. The sync loop quarantines it with
 * code {@value #CODE} so it stops counting as pending and never blocks the queue.
 *
 * @param seq the row's seq
 * @param reason which field is wrong and how
 */
public record CorruptRow(long seq, String reason) {

  /** The error code a corrupt row is quarantined with. */
  public static final String CODE = "corrupt_row";

  /** @throws IllegalArgumentException for a non-positive seq or blank reason */
  public CorruptRow {
    Checks.positive(seq, "seq");
    Checks.text(reason, "reason");
  }
}
