package dev.ferry.server.internal.http;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The query parameters of a request, decoded once; numbers are checked here so that a handler sees
 * only valid values. A parameter given twice is refused rather than guessed at.
 */
final class QueryParams {

  private final Map<String, String> values;

  private QueryParams(Map<String, String> values) {
    this.values = values;
  }

  /**
   * @throws ApiException 400 {@code invalid_parameter} for a repeated or undecodable parameter
   */
  static QueryParams of(URI uri) {
    return of(uri.getRawQuery());
  }

  /**
   * @param raw the query string as sent, still percent-encoded; null when there is none
   * @throws ApiException 400 {@code invalid_parameter} for a repeated or undecodable parameter
   */
  static QueryParams of(@Nullable String raw) {
    Map<String, String> values = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return new QueryParams(values);
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      if (values.put(name, value) != null) {
        throw ApiException.validation(
            "invalid_parameter", "parameter '" + shorten(name) + "' is given twice");
      }
    }
    return new QueryParams(values);
  }

  /**
   * A whole number in {@code [min, Long.MAX_VALUE]}, or {@code fallback} when absent.
   *
   * @throws ApiException 400 {@code invalid_parameter} if it is not such a number
   */
  long longValue(String name, long fallback, long min) {
    String v = values.get(name);
    if (v == null) {
      return fallback;
    }
    try {
      long parsed = Long.parseLong(v);
      if (parsed < min) {
        throw ApiException.validation(
            "invalid_parameter", name + " must be at least " + min + ", was " + parsed);
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw ApiException.validation(
          "invalid_parameter", name + " must be a whole number, was '" + shorten(v) + "'");
    }
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw ApiException.validation(
          "invalid_parameter", "the query string is not properly encoded");
    }
  }

  private static String shorten(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "…";
  }
}
