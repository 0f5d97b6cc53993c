package dev.ferry.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Holds the validator to SQLite's own json_valid(), which the rest of the system relies on. */
class JsonValidatorTest {

  private Connection sqlite;
  private PreparedStatement jsonValid;

  @BeforeEach
  void setUp() throws Exception {
    sqlite = DriverManager.getConnection("jdbc:sqlite::memory:");
    jsonValid = sqlite.prepareStatement("SELECT json_valid(?)");
  }

  @AfterEach
  void tearDown() throws Exception {
    sqlite.close();
  }

  @Test
  void handPickedCases_agreeWithSqlite() throws Exception {
    List<String> cases = List.of(
        "{}", "[]", "null", "true", "false", "0", "-0", "1.5e10", "-1.5E-10", "1E+2", "\"\"", "\"a\\u00e9\\n\"",
        " {\"a\" : [1, 2, {\"b\": null}] } ", "\t\r\n[]\n", "[\"\\/\\b\\f\\r\\t\\\"\\\\\"]", "\"😀\"",
        "", " ", "{", "}", "[1,]", "[,1]", "{\"a\":1,}", "{a:1}", "{'a':1}", "01", "1.", ".5", "+1", "-", "1e", "1e+",
        "NaN", "Infinity", "tru", "nul", "[1 2]", "{\"a\" 1}", "{\"a\":}", "\"a", "\"\\x\"", "\"\\u12\"", "\"tab\there\"",
        "[] []", "{}x", "/* c */ {}", "[1,2,3]]", "\"\u0001\"", "{\"a\":1 \"b\":2}", "0x10", "[-]", "[1e5]", "\"\\u0000\"");
    for (String json : cases) {
      assertEquals(sqliteSays(json), JsonValidator.isValid(json), "json_valid disagrees on " + json);
    }
  }

  @Test
  void nestingLimit_isSqlites() throws Exception {
    for (int depth : new int[] {999, 1000, 1001, 5000}) {
      String arrays = "[".repeat(depth) + "]".repeat(depth);
      String objects = "{\"a\":".repeat(depth - 1) + "{}" + "}".repeat(depth - 1);
      assertEquals(sqliteSays(arrays), JsonValidator.isValid(arrays), "arrays nested " + depth);
      assertEquals(sqliteSays(objects), JsonValidator.isValid(objects), "objects nested " + depth);
    }
    JsonValidator.problem("[".repeat(200_000));
  }

  @Test
  void randomTextFromJsonCharacters_agreesWithSqlite() throws Exception {
    String alphabet = "{}[]:,\" \\ntrufalsen0123456789-+.eEu\u00e9";
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < 20_000; i++) {
      StringBuilder sb = new StringBuilder();
      int len = random.nextInt(1, 12);
      for (int k = 0; k < len; k++) {
        sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String json = sb.toString();
      assertEquals(sqliteSays(json), JsonValidator.isValid(json), "json_valid disagrees on " + json);
    }
  }

  @Test
  void problem_namesWhatAndWhere() {
    assertNull(JsonValidator.problem("{\"a\":1}"));
    assertEquals("expected ',' or '}' but found '\"' at offset 7", JsonValidator.problem("{\"a\":1 \"b\":2}"));
    assertEquals("unexpected end of input at offset 0", JsonValidator.problem(""));
    assertEquals("unpaired UTF-16 surrogate in a string at offset 1", JsonValidator.problem("\"\uD800\""));
  }

  private boolean sqliteSays(String json) throws Exception {
    jsonValid.setString(1, json);
    try (ResultSet rs = jsonValid.executeQuery()) {
      rs.next();
      return rs.getInt(1) == 1;
    }
  }
}
