package dev.ferry.server.internal.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.ferry.transport.wire.PushRequest;
import dev.ferry.transport.wire.WireJson;
import java.io.IOException;

/**
 * Turns a fully read push body into a {@link PushRequest}, or a 400 that says what is wrong.
 *
 * <p>The body must be UTF-8 JSON text (RFC 8259 section 8.1) holding one object. The bytes are
 * checked before the parser sees them: Jackson would otherwise detect and accept UTF-16 and UTF-32,
 * and take invalid UTF-8 inside a payload (which it only skips over) into the stored text as
 * U+FFFD. A NUL byte is refused with them: it cannot occur in UTF-8 JSON text (a control character
 * must be escaped inside a string), and every UTF-16 or UTF-32 encoding of a JSON text has one. So
 * every payload the log stores is valid UTF-8, kept byte for byte as sent.
 */
final class PushParser {

  /** Strict on top of the shared mapper: nothing after the body, no 1.5 as a client_seq. */
  private static final ObjectReader READER =
      WireJson.mapper()
          .readerFor(PushRequest.class)
          .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .without(DeserializationFeature.ACCEPT_FLOAT_AS_INT);

  private static final int MAX_MESSAGE_CHARS = 300;

  private PushParser() {}

  /**
   * @throws ApiException 400 {@code malformed_json} for bytes that are not UTF-8 JSON text, {@code
   *     invalid_request} for JSON that is not a push request (including {@code null} and any other
   *     value that is not an object)
   */
  static PushRequest parse(byte[] body) {
    int bad = Utf8.firstInvalidOrNul(body);
    if (bad >= 0) {
      throw ApiException.validation(
          "malformed_json",
          (body[bad] == 0 ? "the body holds a NUL byte" : "the body is not valid UTF-8")
              + " at offset "
              + bad
              + " (JSON must be sent as UTF-8, not UTF-16 or UTF-32)");
    }
    PushRequest request;
    try {
      request = WireJson.read(READER, body);
    } catch (StreamReadException e) {
      throw ApiException.validation("malformed_json", "the body is not valid JSON: " + describe(e));
    } catch (JsonProcessingException e) {
      throw ApiException.validation(
          "invalid_request", "the body is not a push request: " + describe(e));
    } catch (IOException | RuntimeException e) {
      throw ApiException.validation("invalid_request", "the body is not a push request");
    }
    if (request == null) {
      throw ApiException.validation(
          "invalid_request", "the body must be a JSON object (a push request), not null");
    }
    return request;
  }

  private static String describe(JsonProcessingException e) {
    String m = String.valueOf(e.getOriginalMessage());
    if (e.getCause() instanceof IllegalArgumentException
        || e.getCause() instanceof NullPointerException) {
      m = String.valueOf(e.getCause().getMessage());
    }
    return m.length() <= MAX_MESSAGE_CHARS ? m : m.substring(0, MAX_MESSAGE_CHARS) + "…";
  }
}
