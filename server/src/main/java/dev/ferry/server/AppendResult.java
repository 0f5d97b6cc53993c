package dev.ferry.server;

import java.util.List;
import java.util.Objects;

/** What {@link MutationLog#append} did: appended the batch, or refused a stale lease holder. */
public sealed interface AppendResult {

  /**
   * The batch is stored.
   *
   * @param entries one per appended mutation, in the order given
   * @param latestSeq the tenant's highest seq after the append, not negative
   */
  record Appended(List<Entry> entries, long latestSeq) implements AppendResult {
    public Appended {
      entries = List.copyOf(Objects.requireNonNull(entries, "entries"));
      if (latestSeq < 0) {
        throw new IllegalArgumentException("latest seq must not be negative, was " + latestSeq);
      }
    }
  }

  /**
   * Nothing is stored: a higher lease epoch was already seen for this replica.
   *
   * @param seenEpoch the highest epoch seen for the replica
   */
  record StaleLease(long seenEpoch) implements AppendResult {}

  /**
   * Where one mutation went.
   *
   * @param clientSeq the mutation's client seq
   * @param seq its seq in the tenant's log, positive
   * @param duplicate true when an earlier push stored it (then {@code seq} is the original)
   */
  record Entry(long clientSeq, long seq, boolean duplicate) {
    public Entry {
      if (seq <= 0) {
        throw new IllegalArgumentException("seq must be positive, was " + seq);
      }
    }
  }
}
