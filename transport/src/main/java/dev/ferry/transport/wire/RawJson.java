package dev.ferry.transport.wire;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import dev.ferry.transport.internal.RawJsonDeserializer;
import dev.ferry.transport.internal.RawJsonSerializer;
import java.util.Objects;

/**
 * A JSON value carried verbatim: written into a message as JSON (not as a string) and read back as
 * the text of that value, so nested objects, unicode and large or precise numbers survive a round
 * trip unchanged.
 *
 * <p>The text is not re-validated here; {@link WireJson} produces it from a parser, and callers
 * that build one by hand ({@link #of}) are expected to pass text that was validated before (the
 * store refuses drafts whose payload is not JSON).
 *
 * @param json the JSON text of one value, never blank
 */
@JsonSerialize(using = RawJsonSerializer.class)
@JsonDeserialize(using = RawJsonDeserializer.class)
public record RawJson(String json) {

  public RawJson {
    Objects.requireNonNull(json, "json");
    if (json.isBlank()) {
      throw new IllegalArgumentException("json must not be blank");
    }
  }

  /** Wraps already-validated JSON text. */
  public static RawJson of(String json) {
    return new RawJson(json);
  }

  @Override
  public String toString() {
    return json;
  }
}
