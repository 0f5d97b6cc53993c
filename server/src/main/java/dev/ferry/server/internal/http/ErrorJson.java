package dev.ferry.server.internal.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.ferry.transport.wire.WireJson;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The error body of docs/PROTOCOL.md section 5: {@code error_class}, {@code error_code}, {@code
 * error}, then any extra fields the error carries. The one place error bodies are written, for the
 * endpoints' errors and for what Jetty refuses before an endpoint sees the request.
 */
final class ErrorJson {

  private static final byte[] FALLBACK =
      "{\"error_class\":\"unavailable\",\"error_code\":\"internal_error\",\"error\":\"\"}"
          .getBytes(StandardCharsets.UTF_8);

  private ErrorJson() {}

  static byte[] of(ApiException e) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error_class", e.errorClass());
    body.put("error_code", e.errorCode());
    body.put("error", String.valueOf(e.getMessage()));
    body.putAll(e.fields());
    try {
      return WireJson.mapper().writeValueAsBytes(body);
    } catch (JsonProcessingException impossible) {
      return FALLBACK.clone();
    }
  }
}
