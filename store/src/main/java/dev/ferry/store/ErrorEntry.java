package dev.ferry.store;

import dev.ferry.store.internal.Checks;

/**
 * One classified error in a target's short persisted history.
 *
 * @param atMillis when it happened, epoch milliseconds
 * @param code the reason code, e.g. {@code transport_failed}
 * @param message human text
 */
public record ErrorEntry(long atMillis, String code, String message) {

  /** @throws IllegalArgumentException for a blank code */
  public ErrorEntry {
    Checks.text(code, "code");
    Checks.notNull(message, "message");
  }
}
