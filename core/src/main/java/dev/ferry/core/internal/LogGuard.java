package dev.ferry.core.internal;

import dev.ferry.store.FencedWriter;
import dev.ferry.store.TargetState;
import dev.ferry.transport.wire.PullResponse;
import dev.ferry.transport.wire.PulledMutation;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Tells whether a server answer comes from the log the cursor counts in. A different {@code
 * log_id}, or a {@code latest_seq} below the cursor, means the log was replaced or went back: an
 * older backup restored, an empty database swapped in, another deployment behind the URL. Taking
 * such an answer as success would leave acked writes lost and later writes, numbered at or below
 * the cursor, never pulled.
 *
 * <p>An older copy of the same log keeps its {@code log_id} and may have grown past the cursor
 * again (other replicas pushed) before this one asks. So the first pull of a cycle starts one
 * below the cursor and the mutation at the cursor must be the one the replica applied there (its
 * {@linkplain TargetState#cursorAnchor() anchor}); another one, or none readable, is a reset too.
 *
 * <p>A target that has no log id yet (it synced before servers sent one) adopts the first one it
 * sees, when the answer is otherwise consistent. One per cycle; not thread-safe.
 */
final class LogGuard {

  private @Nullable String known;
  private long cursor;
  private @Nullable String seen;
  private final @Nullable String anchor;

  LogGuard(TargetState state) {
    this.known = state.logId();
    this.cursor = state.lastPulledSeq();
    this.anchor = state.lastPulledSeq() > 0 ? state.cursorAnchor() : null;
  }

  /** Whether the first pull must start one below the cursor, to check the mutation there. */
  boolean anchored() {
    return anchor != null;
  }

  /**
   * Checks the first page, pulled from one below the cursor: it must start with the mutation the
   * cursor was left at.
   *
   * @throws LogResetDetected when the log holds another mutation there, or none this replica reads
   */
  void checkAnchor(PullResponse page) {
    if (anchor == null) {
      return;
    }
    List<PulledMutation> mutations = page.mutations();
    PulledMutation first = mutations.isEmpty() ? null : mutations.get(0);
    if (first != null && first.seq() == cursor
        && anchor.equals(TargetState.anchorOf(first.replicaId(), first.clientSeq()))) {
      return;
    }
    String found = first == null || first.seq() != cursor ? "no mutation this replica reads"
        : TargetState.anchorOf(first.replicaId(), first.clientSeq());
    throw new LogResetDetected("the server's log holds " + found + " at the cursor " + cursor + " where "
        + anchor + " was: it is an older copy of the log", page.logId(), page.latestSeq());
  }

  /** The cursor moved forward (a page was applied). */
  void advanced(long newCursor) {
    cursor = Math.max(cursor, newCursor);
  }

  /**
   * Checks one answer.
   *
   * @param what the kind of answer, for the message ({@code pull}, {@code push})
   * @throws LogResetDetected when the answer comes from another log, or a log behind the cursor
   */
  void check(String what, @Nullable String logId, long latestSeq) {
    if (known != null && logId != null && !known.equals(logId)) {
      throw new LogResetDetected("the server's " + what + " answer comes from log " + logId + ", not " + known
          + " which the cursor (" + cursor + ") counts in", logId, latestSeq);
    }
    if (latestSeq < cursor) {
      throw new LogResetDetected("the server's " + what + " answer says latest_seq " + latestSeq
          + ", below the cursor " + cursor + ": its log went back", logId, latestSeq);
    }
    if (logId != null) {
      seen = logId;
    }
  }

  /** The log id the cursor counts in, as far as this guard knows; null when unknown. */
  @Nullable String known() {
    return known;
  }

  /** Records the log id the answers carried when the target had none. */
  void adoptIfNew(FencedWriter writer) {
    String id = seen;
    if (known == null && id != null) {
      writer.adoptLogId(id);
      known = id;
    }
  }
}
