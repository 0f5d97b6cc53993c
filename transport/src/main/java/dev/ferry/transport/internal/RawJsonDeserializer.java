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

/**
 * Reads any JSON value into a {@link RawJson} holding its compact text. Numbers are copied
 * exactly (no rounding through {@code double}), strings are re-escaped, everything else is
 * structure.
 */
public final class RawJsonDeserializer extends JsonDeserializer<RawJson> {

  @Override
  public RawJson deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
    SegmentedStringWriter out = new SegmentedStringWriter(new BufferRecycler());
    try (JsonGenerator gen = p.getCodec().getFactory().createGenerator(out)) {
      copyExact(p, gen);
    }
    return new RawJson(out.getAndClear());
  }

  @Override
  public RawJson getNullValue(DeserializationContext ctxt) {
    return new RawJson("null");
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
