package dev.ferry.store.internal;

import java.util.Objects;

/** Argument checks shared by the public records, with messages that name the field. */
public final class Checks {

  private Checks() {}

  /**
   * @return {@code value}
   * @throws IllegalArgumentException if it is null, blank, or holds an unpaired UTF-16 surrogate
   *     (which SQLite would silently store as {@code ?})
   */
  public static String text(String value, String field) {
    if (value == null) {
      throw new IllegalArgumentException(field + " must not be null");
    }
    if (value.isBlank()) {
      throw new IllegalArgumentException(field + " must not be blank");
    }
    int bad = Utf8.unpairedSurrogateAt(value);
    if (bad >= 0) {
      throw new IllegalArgumentException(field + " has an unpaired UTF-16 surrogate at index " + bad);
    }
    return value;
  }

  /** @return {@code value} @throws NullPointerException naming the field when null */
  public static <T> T notNull(T value, String field) {
    return Objects.requireNonNull(value, () -> field + " must not be null");
  }

  /** @throws IllegalArgumentException unless {@code value > 0} */
  public static long positive(long value, String field) {
    if (value <= 0) {
      throw new IllegalArgumentException(field + " must be positive but was " + value);
    }
    return value;
  }

  /** @throws IllegalArgumentException if {@code value < 0} */
  public static long notNegative(long value, String field) {
    if (value < 0) {
      throw new IllegalArgumentException(field + " must not be negative but was " + value);
    }
    return value;
  }

  /**
   * Checks a pulled mutation's fields as the server sent them, before it is known to be valid (an
   * unmappable or quarantined one may hold blank text): a positive server seq, no field null.
   *
   * @throws IllegalArgumentException for a non-positive {@code serverSeq}
   * @throws NullPointerException naming the first null field
   */
  public static void asSent(long serverSeq, String replicaId, String project, String entity, String entityKey,
      String op, String payloadJson) {
    positive(serverSeq, "serverSeq");
    notNull(replicaId, "replicaId");
    notNull(project, "project");
    notNull(entity, "entity");
    notNull(entityKey, "entityKey");
    notNull(op, "op");
    notNull(payloadJson, "payloadJson");
  }
}
