package dev.ferry.store.internal;

/** Comparing JSON texts that may differ only in insignificant whitespace. */
final class JsonText {

  private JsonText() {}

  /**
   * Whether two JSON texts are equal once whitespace outside strings is removed: a server stores a
   * payload's text verbatim, but a scalar may come back compacted.
   */
  static boolean sameValueText(String a, String b) {
    if (a.equals(b)) {
      return true;
    }
    int i = 0;
    int j = 0;
    boolean inString = false;
    while (true) {
      if (!inString) {
        while (i < a.length() && isSpace(a.charAt(i))) {
          i++;
        }
        while (j < b.length() && isSpace(b.charAt(j))) {
          j++;
        }
      }
      if (i == a.length() || j == b.length()) {
        return i == a.length() && j == b.length();
      }
      char c = a.charAt(i);
      if (c != b.charAt(j)) {
        return false;
      }
      if (inString && c == '\\') {
        if (i + 1 >= a.length() || j + 1 >= b.length() || a.charAt(i + 1) != b.charAt(j + 1)) {
          return false;
        }
        i += 2;
        j += 2;
        continue;
      }
      if (c == '"') {
        inString = !inString;
      }
      i++;
      j++;
    }
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
  }
}
