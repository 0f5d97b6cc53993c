package dev.ferry.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.cli.Ferry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Runs {@code ferry} in this JVM with captured standard output and error. */
final class Cli {

  /** What a run printed and returned. */
  record Result(int code, String out, String err) {

    /** Standard output parsed as the one JSON document it must be. */
    JsonNode json() {
      try {
        ObjectMapper mapper = new ObjectMapper();
        var parser = mapper.getFactory().createParser(out);
        JsonNode doc = mapper.readTree(parser);
        if (parser.nextToken() != null) {
          throw new AssertionError("more than one JSON document on stdout:\n" + out);
        }
        return doc;
      } catch (IOException e) {
        throw new UncheckedIOException("stdout is not JSON (exit " + code + ", stderr " + err + "):\n" + out, e);
      }
    }

    /** Asserts the exit code, showing both streams when it differs. */
    Result expect(int expected) {
      assertEquals(expected, code, () -> "exit code; stdout:\n" + out + "\nstderr:\n" + err);
      return this;
    }
  }

  private Cli() {}

  static Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Ferry.run(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), args);
    return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
