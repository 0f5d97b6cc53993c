package dev.ferry.cli.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

/** The command's JSON output: one document, indented, on standard output. */
public final class Json {

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Json() {}

  /** A new empty object. */
  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** A new empty array. */
  public static ArrayNode array() {
    return MAPPER.createArrayNode();
  }

  /** Parses JSON text the command got from elsewhere (e.g. {@code statusJson()}). */
  public static JsonNode parse(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("not JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** Parses stored JSON text, or keeps it as a string when it is not valid JSON. */
  public static JsonNode parseOrText(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      return TextNode.valueOf(json);
    }
  }

  /** Prints {@code document} as the command's one JSON document and flushes. */
  public static void print(PrintWriter out, JsonNode document) {
    try {
      out.println(MAPPER.writeValueAsString(document));
      out.flush();
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("cannot write JSON", e);
    }
  }
}
