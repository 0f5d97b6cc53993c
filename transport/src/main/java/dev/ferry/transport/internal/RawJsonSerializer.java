package dev.ferry.transport.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import dev.ferry.transport.wire.RawJson;
import java.io.IOException;

/** Writes a {@link RawJson} as the JSON value it holds, without re-parsing it. */
public final class RawJsonSerializer extends JsonSerializer<RawJson> {
  @Override
  public void serialize(RawJson value, JsonGenerator gen, SerializerProvider serializers)
      throws IOException {
    gen.writeRawValue(value.json());
  }
}
