package dev.ferry.store;

import java.util.Locale;

/** Which projects of a target sync. */
public enum EnrollmentMode {
  /** Every project syncs (the default). */
  ALL,
  /**
   * Only enrolled projects sync; mutations of other projects stay pending (never falsely acked)
   * and the status names them with counts.
   */
  EXPLICIT;

  private final String wireName = name().toLowerCase(Locale.ROOT);

  /** The name in the database and in JSON. */
  public String wireName() {
    return wireName;
  }

  /** @throws IllegalArgumentException for an unknown name */
  public static EnrollmentMode fromWireName(String name) {
    for (EnrollmentMode m : values()) {
      if (m.wireName.equals(name)) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown enrollment mode '" + name + "'");
  }
}
