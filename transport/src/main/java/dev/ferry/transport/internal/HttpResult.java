package dev.ferry.transport.internal;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import okhttp3.Headers;
import org.jspecify.annotations.Nullable;

/**
 * A complete HTTP response: status, headers and the whole (already decompressed) body.
 *
 * @param status the HTTP status code
 * @param headers the response headers
 * @param body the body bytes; owned by this record and never copied (bodies are large), so callers
 *     must not modify the array
 */
public record HttpResult(int status, Headers headers, byte[] body) {

  public HttpResult {
    Objects.requireNonNull(headers, "headers");
    Objects.requireNonNull(body, "body");
  }

  public boolean isSuccessful() {
    return status >= 200 && status < 300;
  }

  public @Nullable String header(String name) {
    return headers.get(name);
  }

  /** The body as UTF-8 text (for messages only). */
  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }
}
