package dev.ferry.transport.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.SegmentedStringWriter;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import dev.ferry.transport.wire.RawJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Reads any JSON value into a {@link RawJson}.
 *
 * <p>When the document is read from a byte array registered under {@link #SOURCE} (what {@link
 * dev.ferry.transport.wire.WireJson#read} does), the payload is taken verbatim as the slice of
 * those bytes, whatever its type: an object or array is only skipped over, which validates it
 * without building anything (most of the cost of reading a page of mutations), and a number or
 * string keeps its exact spelling ({@code -0}, {@code 0.1e1}, {@code 1e400}, a string's escapes),
 * which re-writing the parsed value would change. Otherwise an object or array is copied token by
 * token into compact text, a number keeps its original text, and a string is re-escaped.
 */
public final class RawJsonDeserializer extends JsonDeserializer<RawJson> {

  /** Context attribute key under which a reader registers the {@code byte[]} it parses. */
  public static final Object SOURCE = RawJsonDeserializer.class;

  @Override
  public RawJson deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.FIELD_NAME) {
      t = p.nextToken();
    }
    if (ctxt.getAttribute(SOURCE) instanceof byte[] source) {
      long start = p.currentTokenLocation().getByteOffset();
      if (start >= 0) {
        return sliced(p, t, source, start);
      }
    }
    if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
      // The parser's text of a number is its spelling in the input, not a re-rendered value.
      return new RawJson(p.getText());
    }
    SegmentedStringWriter out = new SegmentedStringWriter(new BufferRecycler());
    try (JsonGenerator gen = p.getCodec().getFactory().createGenerator(out)) {
      copyExact(p, gen);
    }
    return new RawJson(out.getAndClear());
  }

  private static RawJson sliced(JsonParser p, JsonToken t, byte[] source, long start)
      throws IOException {
    if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
      p.skipChildren();
    } else {
      // A string is read lazily; finishing it moves the location past its closing quote.
      p.finishToken();
    }
    long end = p.currentLocation().getByteOffset();
    if (!sliceIsValue(p, source, start, end, t)) {
      // The offsets are the parser's, so this means the caller registered the wrong bytes.
      throw new IOException("the registered source bytes do not match the parsed document");
    }
    return new RawJson(
        new String(source, (int) start, (int) (end - start), StandardCharsets.UTF_8));
  }

  private static boolean sliceIsValue(
      JsonParser p, byte[] source, long start, long end, JsonToken t) throws IOException {
    if (start < 0 || end > source.length || end <= start) {
      return false;
    }
    byte first = source[(int) start];
    byte last = source[(int) end - 1];
    switch (t) {
      case START_OBJECT:
        return end - start >= 2 && first == '{' && last == '}';
      case START_ARRAY:
        return end - start >= 2 && first == '[' && last == ']';
      case VALUE_STRING:
        return end - start >= 2 && first == '"' && last == '"';
      default:
        // Numbers and literals are ASCII: the slice must spell exactly what the parser read.
        String text = p.getText();
        if (text == null || text.length() != end - start) {
          return false;
        }
        for (int i = 0; i < text.length(); i++) {
          if (source[(int) start + i] != text.charAt(i)) {
            return false;
          }
        }
        return true;
    }
  }

  /** An explicit JSON {@code null} is a payload like any other. */
  @Override
  public RawJson getNullValue(DeserializationContext ctxt) {
    return new RawJson("null");
  }

  /** A missing payload is not {@code null}: it leaves the record to refuse the message's shape. */
  @Override
  public @Nullable Object getAbsentValue(DeserializationContext ctxt) {
    return null;
  }

  private static void copyExact(JsonParser p, JsonGenerator gen) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
      int depth = 0;
      do {
        copyEvent(p, gen);
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
          depth++;
        } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
          depth--;
        }
        if (depth == 0) {
          return;
        }
        t = p.nextToken();
      } while (t != null);
      throw new IOException("unexpected end of input inside a JSON value");
    }
    copyEvent(p, gen);
  }

  private static void copyEvent(JsonParser p, JsonGenerator gen) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
      gen.writeNumber(p.getText());
    } else {
      gen.copyCurrentEventExact(p);
    }
  }
}
