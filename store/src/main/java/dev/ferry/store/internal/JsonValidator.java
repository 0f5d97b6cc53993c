package dev.ferry.store.internal;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * A strict RFC 8259 syntax check, so the outbox can refuse a payload before it writes anything
 * and say where the text goes wrong. It agrees with SQLite's {@code json_valid(X)} (a test
 * holds it to that), including SQLite's nesting limit of {@value #MAX_DEPTH} levels. Iterative, so
 * deep input cannot overflow the stack. Stateless and thread-safe.
 */
public final class JsonValidator {

  /** SQLite's {@code JSON_MAX_DEPTH}: deeper documents are not valid for its JSON functions. */
  public static final int MAX_DEPTH = 1000;

  private final String s;
  private final int n;
  private int pos;
  private @Nullable String error;

  private JsonValidator(String s) {
    this.s = s;
    this.n = s.length();
  }

  /** A description of the first syntax error (with its offset), or null when {@code json} is valid JSON. */
  public static @Nullable String problem(String json) {
    JsonValidator v = new JsonValidator(json);
    v.document();
    return v.error;
  }

  /** Whether {@code json} is one valid JSON value with optional surrounding whitespace. */
  public static boolean isValid(String json) {
    return problem(json) == null;
  }

  private void document() {
    // Open containers: true for an object, false for an array.
    boolean[] stack = new boolean[16];
    int depth = 0;
    boolean needValue = true;
    while (error == null) {
      skipWhitespace();
      if (needValue) {
        if (pos >= n) {
          fail("unexpected end of input");
          return;
        }
        char c = s.charAt(pos);
        if (c == '{' || c == '[') {
          if (depth == MAX_DEPTH) {
            fail("nesting deeper than " + MAX_DEPTH + " levels");
            return;
          }
          if (depth == stack.length) {
            stack = Arrays.copyOf(stack, depth * 2);
          }
          boolean object = c == '{';
          stack[depth++] = object;
          pos++;
          skipWhitespace();
          if (pos < n && s.charAt(pos) == (object ? '}' : ']')) {
            pos++;
            depth--;
            needValue = false;
          } else if (object) {
            member();
          }
          continue;
        }
        value(c);
        needValue = false;
        continue;
      }
      if (depth == 0) {
        if (pos < n) {
          fail("unexpected '" + printable(s.charAt(pos)) + "' after the JSON value");
        }
        return;
      }
      boolean object = stack[depth - 1];
      char close = object ? '}' : ']';
      if (pos >= n) {
        fail("unexpected end of input, expected ',' or '" + close + "'");
      } else if (s.charAt(pos) == ',') {
        pos++;
        if (object) {
          skipWhitespace();
          member();
        }
        needValue = true;
      } else if (s.charAt(pos) == close) {
        pos++;
        depth--;
      } else {
        fail("expected ',' or '" + close + "' but found '" + printable(s.charAt(pos)) + "'");
      }
    }
  }

  /** A member name and its colon; the value follows. */
  private void member() {
    if (pos >= n || s.charAt(pos) != '"') {
      fail(pos >= n ? "unexpected end of input, expected a member name" : "expected a member name in double quotes");
      return;
    }
    string();
    if (error != null) {
      return;
    }
    skipWhitespace();
    if (pos >= n || s.charAt(pos) != ':') {
      fail("expected ':' after a member name");
      return;
    }
    pos++;
  }

  private void value(char c) {
    switch (c) {
      case '"' -> string();
      case 't' -> literal("true");
      case 'f' -> literal("false");
      case 'n' -> literal("null");
      default -> {
        if (c == '-' || (c >= '0' && c <= '9')) {
          number();
        } else {
          fail("unexpected '" + printable(c) + "'");
        }
      }
    }
  }

  private void literal(String word) {
    if (s.startsWith(word, pos)) {
      pos += word.length();
    } else {
      fail("unexpected '" + printable(s.charAt(pos)) + "'");
    }
  }

  private void number() {
    if (s.charAt(pos) == '-') {
      pos++;
    }
    if (pos < n && s.charAt(pos) == '0') {
      pos++;
    } else if (!digits()) {
      fail("a number needs digits");
      return;
    }
    if (pos < n && s.charAt(pos) == '.') {
      pos++;
      if (!digits()) {
        fail("a fraction needs digits after '.'");
        return;
      }
    }
    if (pos < n && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
      pos++;
      if (pos < n && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) {
        pos++;
      }
      if (!digits()) {
        fail("an exponent needs digits");
      }
    }
  }

  private boolean digits() {
    int start = pos;
    while (pos < n && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
      pos++;
    }
    return pos > start;
  }

  private void string() {
    pos++;
    while (pos < n) {
      char c = s.charAt(pos);
      if (c == '"') {
        pos++;
        return;
      }
      if (c == '\\') {
        if (pos + 1 >= n) {
          break;
        }
        char e = s.charAt(pos + 1);
        if (e == 'u') {
          for (int k = 2; k < 6; k++) {
            if (pos + k >= n || Character.digit(s.charAt(pos + k), 16) < 0) {
              fail("\\u needs four hex digits");
              return;
            }
          }
          pos += 6;
        } else if ("\"\\/bfnrt".indexOf(e) >= 0) {
          pos += 2;
        } else {
          fail("invalid escape '\\" + printable(e) + "'");
          return;
        }
      } else if (c < 0x20) {
        fail("unescaped control character U+" + String.format("%04X", (int) c) + " in a string");
        return;
      } else if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && pos + 1 < n && Character.isLowSurrogate(s.charAt(pos + 1))) {
          pos += 2;
        } else {
          fail("unpaired UTF-16 surrogate in a string");
          return;
        }
      } else {
        pos++;
      }
    }
    fail("unterminated string");
  }

  private void skipWhitespace() {
    while (pos < n) {
      char c = s.charAt(pos);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      pos++;
    }
  }

  private void fail(String what) {
    if (error == null) {
      error = what + " at offset " + Math.min(pos, n);
    }
    pos = n;
  }

  private static String printable(char c) {
    return c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c);
  }
}
