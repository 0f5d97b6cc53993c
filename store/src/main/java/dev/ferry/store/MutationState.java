package dev.ferry.store;

import java.util.Locale;

/** Where a recorded mutation stands. Stored (and shown) by its lower-case {@link #wireName()}. */
public enum MutationState {
  /** Waiting to be pushed (or held back, or not enrolled). */
  PENDING,
  /** The server stored it; {@code server_seq} is set. Pruned after the retention. */
  ACKED,
  /** The server refused it for good, or the row is corrupt; stays until an operator acts. */
  QUARANTINED;

  private final String wireName = name().toLowerCase(Locale.ROOT);

  /** The name in the database and in JSON. */
  public String wireName() {
    return wireName;
  }

  /**
   * @throws IllegalArgumentException for a name that is not a state
   */
  public static MutationState fromWireName(String name) {
    for (MutationState s : values()) {
      if (s.wireName.equals(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown mutation state '" + name + "'");
  }
}
