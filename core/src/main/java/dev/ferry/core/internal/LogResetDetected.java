package dev.ferry.core.internal;

import org.jspecify.annotations.Nullable;

/**
 * A server answer showed that the server's log is not the one the cursor counts in (see {@link
 * LogGuard}). Thrown out of a cycle's step before anything of that answer is applied; the cycle
 * resets the target to the new log ({@code FencedWriter.resetToLog}) and goes on.
 */
final class LogResetDetected extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final @Nullable String logId;
  private final long latestSeq;

  LogResetDetected(String message, @Nullable String logId, long latestSeq) {
    super(message, null, false, false);
    this.logId = logId;
    this.latestSeq = latestSeq;
  }

  /** The new log's id, or null when the server sends none. */
  @Nullable String logId() {
    return logId;
  }

  /** The new log's {@code latest_seq} as reported. */
  long latestSeq() {
    return latestSeq;
  }
}
