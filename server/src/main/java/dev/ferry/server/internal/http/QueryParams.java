package dev.ferry.server.internal.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The query parameters of a request; numbers are checked here so that a handler sees only valid
 * values. Only the parameters a handler asks for are decoded and judged: one given twice, or
 * undecodable, is refused rather than guessed at, while any other parameter is ignored, repeated
 * or not, so that a newer client's parameters never break an older server.
 */
final class QueryParams {

  /** The raw {@code name=value} pairs, in order, still percent-encoded. */
  private final List<String> pairs;

  private QueryParams(List<String> pairs) {
    this.pairs = pairs;
  }

  /** The parameters of a raw (still percent-encoded) query string, or none when it is null. */
  static QueryParams of(@Nullable String rawQuery) {
    List<String> pairs = new ArrayList<>();
    if (rawQuery != null) {
      for (String pair : rawQuery.split("&")) {
        if (!pair.isEmpty()) {
          pairs.add(pair);
        }
      }
    }
    return new QueryParams(pairs);
  }

  /**
   * A whole number in {@code [min, Long.MAX_VALUE]} written with ASCII digits (an optional leading
   * {@code -}, only to say what was wrong), or {@code fallback} when absent.
   *
   * @throws ApiException 400 {@code invalid_parameter} if it is not such a number, is given twice
   *     or is not properly percent-encoded
   */
  long longValue(String name, long fallback, long min) {
    String v = value(name);
    if (v == null) {
      return fallback;
    }
    if (!isAsciiInteger(v)) {
      throw ApiException.validation(
          "invalid_parameter",
          name + " must be a whole number in ASCII digits, was '" + shorten(v) + "'");
    }
    long parsed;
    try {
      parsed = Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw ApiException.validation(
          "invalid_parameter", name + " is out of range, was '" + shorten(v) + "'");
    }
    if (parsed < min) {
      throw ApiException.validation(
          "invalid_parameter", name + " must be at least " + min + ", was " + parsed);
    }
    return parsed;
  }

  /** The decoded value of {@code name}, or null when absent. */
  private @Nullable String value(String name) {
    String found = null;
    for (String pair : pairs) {
      int eq = pair.indexOf('=');
      String rawName = eq < 0 ? pair : pair.substring(0, eq);
      if (!name.equals(decodedOrNull(rawName))) {
        continue;
      }
      if (found != null) {
        throw ApiException.validation(
            "invalid_parameter", "parameter '" + name + "' is given twice");
      }
      String rawValue = eq < 0 ? "" : pair.substring(eq + 1);
      found = decodedOrNull(rawValue);
      if (found == null) {
        throw ApiException.validation(
            "invalid_parameter", "parameter '" + name + "' is not properly percent-encoded");
      }
    }
    return found;
  }

  /**
   * {@link Long#parseLong} alone would also take {@code +5} and non-ASCII digits such as {@code
   * ٣} or full-width {@code ３}.
   */
  private static boolean isAsciiInteger(String v) {
    int from = v.startsWith("-") ? 1 : 0;
    if (v.length() == from) {
      return false;
    }
    for (int i = from; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /** Percent-decoded as UTF-8, or null when the text is not properly encoded. */
  private static @Nullable String decodedOrNull(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String shorten(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "…";
  }
}
