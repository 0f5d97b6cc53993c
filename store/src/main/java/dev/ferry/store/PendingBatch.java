package dev.ferry.store;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/**
 * The pushable pending mutations from {@link Outbox#pending}, in seq order, plus the corrupt rows
 * met on the way. It is an unmodifiable {@code List<PendingMutation>}, so callers that only push
 * can treat it as one; the sync loop should also quarantine {@link #corrupt()} rows (with {@link
 * FencedWriter#quarantine} and code {@link CorruptRow#CODE}).
 *
 * <p>Immutable and thread-safe.
 */
public final class PendingBatch extends AbstractList<PendingMutation> implements RandomAccess {

  private final List<PendingMutation> mutations;
  private final List<CorruptRow> corrupt;

  /** @param mutations pushable rows in seq order @param corrupt corrupt rows skipped, in seq order */
  public PendingBatch(List<PendingMutation> mutations, List<CorruptRow> corrupt) {
    this.mutations = List.copyOf(mutations);
    this.corrupt = List.copyOf(corrupt);
  }

  @Override
  public PendingMutation get(int index) {
    return mutations.get(index);
  }

  @Override
  public int size() {
    return mutations.size();
  }

  /** Pending rows that were skipped because they cannot be pushed as stored. */
  public List<CorruptRow> corrupt() {
    return corrupt;
  }
}
