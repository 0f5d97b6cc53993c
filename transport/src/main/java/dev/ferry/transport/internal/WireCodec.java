package dev.ferry.transport.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.transport.TransportException;
import dev.ferry.transport.TransportException.Kind;
import dev.ferry.transport.wire.WireJson;
import java.io.IOException;

/**
 * Writes request bodies and reads response bodies with the shared {@link WireJson} mapper,
 * turning an unreadable response into {@link Kind#PROTOCOL}.
 *
 * <p>A parser's message may quote the body it choked on, so it is redacted and shortened, and the
 * parser's exception is not chained: its own message would carry the unredacted excerpt.
 */
public final class WireCodec {

  private static final ObjectMapper MAPPER = WireJson.mapper();

  private WireCodec() {}

  /** The JSON bytes of a wire record. */
  public static byte[] write(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      // The wire records always serialise; this is a programming error, not a transport failure.
      throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
    }
  }

  /**
   * Reads a 2xx body as {@code type}.
   *
   * @throws TransportException {@code PROTOCOL} when the body is not valid wire JSON for the type
   */
  public static <T> T read(
      String operation, HttpResult result, Class<T> type, SecretRedactor redactor) {
    if (result.body().length == 0) {
      throw protocol(operation, result, "an empty body");
    }
    try {
      T value = WireJson.read(result.body(), type);
      if (value == null) {
        throw protocol(operation, result, "JSON null");
      }
      return value;
    } catch (IOException e) {
      String detail =
          e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
      throw protocol(
          operation,
          result,
          "a body that is not a valid "
              + type.getSimpleName()
              + " ("
              + ErrorClassifier.shorten(redactor.redact(String.valueOf(detail)))
              + ")");
    }
  }

  private static TransportException protocol(String operation, HttpResult result, String what) {
    return new TransportException(
        Kind.PROTOCOL,
        operation + " failed: HTTP " + result.status() + " with " + what,
        result.status(),
        null,
        null,
        null);
  }
}
