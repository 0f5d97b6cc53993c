package dev.ferry.store.internal;

import java.util.Collection;

/**
 * JSON array text for binding a set of values as one parameter ({@code IN (SELECT value FROM
 * json_each(?))}), so statements stay prepared whatever the set's size.
 */
public final class JsonArrays {

  private JsonArrays() {}

  /** A JSON array of the strings. */
  public static String ofStrings(Collection<String> values) {
    StringBuilder sb = new StringBuilder(2 + values.size() * 16).append('[');
    boolean first = true;
    for (String v : values) {
      if (!first) {
        sb.append(',');
      }
      first = false;
      quote(v, sb);
    }
    return sb.append(']').toString();
  }

  private static void quote(String s, StringBuilder sb) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
