package dev.ferry.transport.wire;

import org.jspecify.annotations.Nullable;

/** The rule every {@code log_id} on the wire follows. */
final class LogIds {

  /** The longest accepted {@code log_id}, in chars. */
  static final int MAX_LENGTH = 200;

  private LogIds() {}

  /** Refuses a blank, overlong or control-character {@code log_id}; null (absent) is allowed. */
  static void check(@Nullable String logId) {
    if (logId == null) {
      return;
    }
    if (logId.isBlank() || logId.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "log_id must be non-blank and at most " + MAX_LENGTH + " chars, was '" + logId + "'");
    }
    for (int i = 0; i < logId.length(); i++) {
      if (Character.isISOControl(logId.charAt(i))) {
        throw new IllegalArgumentException("log_id must not contain control characters");
      }
    }
  }
}
