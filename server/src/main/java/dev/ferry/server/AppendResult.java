package dev.ferry.server;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What {@link MutationLog#append} did: appended the batch, refused a stale lease holder, or refused
 * a principal pushing under a replica bound to another.
 */
public sealed interface AppendResult {

  /**
   * The batch is stored.
   *
   * @param entries one per appended mutation, in the order given
   * @param latestSeq the tenant's highest seq after the append, not negative
   * @param logId the identity of the tenant's log, or null from a log that keeps none
   */
  record Appended(List<Entry> entries, long latestSeq, @Nullable String logId)
      implements AppendResult {
    public Appended {
      entries = List.copyOf(Objects.requireNonNull(entries, "entries"));
      if (latestSeq < 0) {
        throw new IllegalArgumentException("latest seq must not be negative, was " + latestSeq);
      }
    }

    /** An append of a log without identity. */
    public Appended(List<Entry> entries, long latestSeq) {
      this(entries, latestSeq, null);
    }
  }

  /**
   * Nothing is stored: a higher lease epoch was already seen for this replica.
   *
   * @param seenEpoch the highest epoch seen for the replica
   */
  record StaleLease(long seenEpoch) implements AppendResult {}

  /**
   * Nothing is stored and nothing about the replica was looked at: its {@code replica_id} is bound
   * to another principal of the tenant. Deliberately without details, so that an answer built from
   * it cannot tell the pusher what the replica wrote or which epoch it holds.
   */
  record ReplicaForbidden() implements AppendResult {}

  /**
   * Where one mutation went.
   *
   * @param clientSeq the mutation's client seq
   * @param seq its seq in the tenant's log, positive
   * @param duplicate true when an earlier push stored this client seq (then {@code seq} is the
   *     original)
   * @param conflict true when the earlier push stored a different mutation under this client seq
   *     (project, entity, entity key, op or payload text differ): the replica reuses client seqs,
   *     e.g. its database was restored from an older backup or copied. Nothing is stored and the
   *     push answers {@code rejected}, {@code replica_conflict}, not retryable. Implies {@code
   *     duplicate}.
   */
  record Entry(long clientSeq, long seq, boolean duplicate, boolean conflict) {
    public Entry {
      if (seq <= 0) {
        throw new IllegalArgumentException("seq must be positive, was " + seq);
      }
      if (conflict && !duplicate) {
        throw new IllegalArgumentException("a conflict is a duplicate client seq, so duplicate");
      }
    }

    /** An entry that is not a conflict. */
    public Entry(long clientSeq, long seq, boolean duplicate) {
      this(clientSeq, seq, duplicate, false);
    }
  }
}
