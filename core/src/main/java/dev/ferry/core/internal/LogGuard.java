package dev.ferry.core.internal;

import dev.ferry.store.FencedWriter;
import dev.ferry.store.TargetState;
import org.jspecify.annotations.Nullable;

/**
 * Tells whether a server answer comes from the log the cursor counts in. A different {@code
 * log_id}, or a {@code latest_seq} below the cursor, means the log was replaced or went back: an
 * older backup restored, an empty database swapped in, another deployment behind the URL. Taking
 * such an answer as success would leave acked writes lost and later writes, numbered at or below
 * the cursor, never pulled. A log that went back and then grew past the cursor under the same id
 * cannot be told apart from the answers alone; the check is made on every answer so that it is
 * caught as early as possible.
 *
 * <p>A target that has no log id yet (it synced before servers sent one) adopts the first one it
 * sees, when the answer is otherwise consistent. One per cycle; not thread-safe.
 */
final class LogGuard {

  private @Nullable String known;
  private long cursor;
  private @Nullable String seen;

  LogGuard(TargetState state) {
    this.known = state.logId();
    this.cursor = state.lastPulledSeq();
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

  /** Records the log id the answers carried when the target had none. */
  void adoptIfNew(FencedWriter writer) {
    String id = seen;
    if (known == null && id != null) {
      writer.adoptLogId(id);
      known = id;
    }
  }
}
