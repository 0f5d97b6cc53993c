package dev.ferry.transport.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.ferry.transport.internal.RawJsonDeserializer;
import dev.ferry.transport.internal.WireTimeModule;
import java.io.IOException;

/**
 * The one JSON mapper of wire protocol v1, shared by client and server.
 *
 * <p>snake_case names, nulls omitted, unknown fields ignored, timestamps as ISO-8601 UTC with
 * milliseconds ({@code 2026-11-21T10:00:00.000Z}). The mapper is thread-safe and must not be
 * reconfigured; derive a copy ({@code mapper().copy()}) for anything else.
 */
public final class WireJson {

  /** Longest string or number token read, in chars: well above any body a peer accepts. */
  private static final int MAX_TEXT_CHARS = 64 * 1024 * 1024;

  private static final ObjectMapper MAPPER = build();

  private WireJson() {}

  /** The shared, fully configured mapper. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /**
   * Reads a whole message from its bytes with {@code reader} (one derived from {@link #mapper()}).
   * Prefer this to {@code readValue(byte[])}: object and array payloads are then kept as slices of
   * {@code body} instead of being copied token by token, several times faster for large pages.
   *
   * @throws IOException when the bytes are not valid JSON of the reader's type
   */
  public static <T> T read(ObjectReader reader, byte[] body) throws IOException {
    return reader.withAttribute(RawJsonDeserializer.SOURCE, body).readValue(body);
  }

  /** {@link #read(ObjectReader, byte[])} with the shared mapper's reader for {@code type}. */
  public static <T> T read(byte[] body, Class<T> type) throws IOException {
    return read(MAPPER.readerFor(type), body);
  }

  private static ObjectMapper build() {
    JsonMapper mapper =
        JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            // Integer fields (seqs, epochs) must be JSON integers: 6.9 read as 6 would move a
            // cursor or ack a mutation on a number the server never meant.
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .addModule(new WireTimeModule())
            // A number or boolean where the protocol has a string is a wrong shape, not a name.
            .withCoercionConfig(
                LogicalType.Textual,
                c -> {
                  c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
                  c.setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
                  c.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
                })
            .withCoercionConfig(
                LogicalType.Integer,
                c -> {
                  c.setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
                  c.setCoercion(CoercionInputShape.String, CoercionAction.Fail);
                  c.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
                })
            .build();
    // Payloads may be large and deeply nested, but not without bound. Their numbers may be as long
    // as the message (a payload is carried, not computed with): the readers never convert a
    // payload number, and a wire field's number too long for a long fails on its length alone.
    mapper
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder()
                .maxNestingDepth(256)
                .maxStringLength(MAX_TEXT_CHARS)
                .maxNumberLength(MAX_TEXT_CHARS)
                .build());
    return mapper;
  }
}
