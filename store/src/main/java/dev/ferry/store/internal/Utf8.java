package dev.ferry.store.internal;

/** UTF-8 facts about Java strings without encoding them. */
public final class Utf8 {

  private Utf8() {}

  /**
   * The UTF-8 length of {@code s}, counting a surrogate pair as 4 bytes.
   *
   * @throws IllegalArgumentException never; unpaired surrogates count 3 bytes like SQLite's
   *     replacement, callers reject them separately
   */
  public static long length(CharSequence s) {
    long bytes = 0;
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  /** The index of the first unpaired surrogate in {@code s}, or -1 when there is none. */
  public static int unpairedSurrogateAt(CharSequence s) {
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else {
          return i;
        }
      }
    }
    return -1;
  }
}
