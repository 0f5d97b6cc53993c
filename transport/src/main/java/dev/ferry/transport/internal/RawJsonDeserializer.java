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
 * dev.ferry.transport.wire.WireJson#read} does), an object or array payload is taken verbatim as
 * the slice of those bytes: the parser only skips over it, which validates it without building
 * anything, and that is most of the cost of reading a page of mutations. Otherwise (and for scalar
 * payloads) the value is copied token by token into compact text, numbers exactly (no rounding
 * through {@code double}).
 */
public final class RawJsonDeserializer extends JsonDeserializer<RawJson> {

  /** Context attribute key under which a reader registers the {@code byte[]} it parses. */
  public static final Object SOURCE = RawJsonDeserializer.class;

  @Override
  public RawJson deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
    JsonToken t = p.currentToken();
    if ((t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY)
        && ctxt.getAttribute(SOURCE) instanceof byte[] source) {
      long start = p.currentTokenLocation().getByteOffset();
      if (start >= 0) {
        p.skipChildren();
        long end = p.currentLocation().getByteOffset();
        if (!sliceIsValue(source, start, end, t)) {
          // The offsets are the parser's, so this means the caller registered the wrong bytes.
          throw new IOException("the registered source bytes do not match the parsed document");
        }
        return new RawJson(
            new String(source, (int) start, (int) (end - start), StandardCharsets.UTF_8));
      }
    }
    SegmentedStringWriter out = new SegmentedStringWriter(new BufferRecycler());
    try (JsonGenerator gen = p.getCodec().getFactory().createGenerator(out)) {
      copyExact(p, gen);
    }
    return new RawJson(out.getAndClear());
  }

  private static boolean sliceIsValue(byte[] source, long start, long end, JsonToken open) {
    if (start < 0 || end > source.length || end - start < 2) {
      return false;
    }
    byte first = source[(int) start];
    byte last = source[(int) end - 1];
    return open == JsonToken.START_OBJECT
        ? first == '{' && last == '}'
        : first == '[' && last == ']';
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
    if (t == JsonToken.FIELD_NAME) {
      gen.writeFieldName(p.currentName());
      t = p.nextToken();
    }
    if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
      int depth = 0;
      do {
        gen.copyCurrentEventExact(p);
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
    gen.copyCurrentEventExact(p);
  }
}
