package dev.ferry.transport.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.ferry.transport.internal.WireTimeModule;

/**
 * The one JSON mapper of wire protocol v1, shared by client and server.
 *
 * <p>snake_case names, nulls omitted, unknown fields ignored, timestamps as ISO-8601 UTC with
 * milliseconds ({@code 2026-11-21T10:00:00.000Z}). The mapper is thread-safe and must not be
 * reconfigured; derive a copy ({@code mapper().copy()}) for anything else.
 */
public final class WireJson {

  private static final ObjectMapper MAPPER = build();

  private WireJson() {}

  /** The shared, fully configured mapper. */
  public static ObjectMapper mapper() {
    return MAPPER;
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
            .addModule(new WireTimeModule())
            .build();
    // Payloads may be large and deeply nested, but not without bound.
    mapper
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder()
                .maxNestingDepth(256)
                .maxStringLength(64 * 1024 * 1024)
                .build());
    return mapper;
  }
}
