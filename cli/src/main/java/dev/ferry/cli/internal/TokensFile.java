package dev.ferry.cli.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.server.TokenGrant;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads {@code ferry serve --tokens-file}: a JSON array of {@code {"token", "tenant", "name",
 * "read": [...], "write": [...]}} objects ({@code *} = every project; {@code read} and {@code
 * write} default to none; {@code name}, the principal whose replicas the token may push, defaults to
 * {@value TokenGrant#DEFAULT_NAME}). Unknown fields are refused, so a typo cannot silently grant
 * less or more. Messages name the entry by its index and never show a token.
 */
final class TokensFile {

  private static final Set<String> FIELDS = Set.of("token", "tenant", "name", "read", "write");

  private TokensFile() {}

  /** @throws IllegalArgumentException naming the entry and field that is wrong */
  static List<TokenGrant> read(Path file) {
    if (Files.isDirectory(file)) {
      throw new IllegalArgumentException("tokens file " + file + " is a directory");
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("no such tokens file: " + file);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read tokens file " + file + " (" + e.getClass().getSimpleName() + ")");
    }
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(bytes);
    } catch (JsonProcessingException e) {
      // Only where: the parser's own message quotes the text it choked on, which may be a token.
      JsonLocation at = e.getLocation();
      throw new IllegalArgumentException("tokens file " + file + " is not valid JSON"
          + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read tokens file " + file + " (" + e.getClass().getSimpleName() + ")");
    }
    if (root == null || !root.isArray()) {
      throw new IllegalArgumentException("tokens file " + file
          + " must hold a JSON array of {\"token\",\"tenant\",\"name\",\"read\":[...],\"write\":[...]}");
    }
    List<TokenGrant> grants = new ArrayList<>();
    for (int i = 0; i < root.size(); i++) {
      grants.add(grant(file, i, root.get(i)));
    }
    if (grants.isEmpty()) {
      throw new IllegalArgumentException("tokens file " + file + " holds no token");
    }
    return grants;
  }

  private static TokenGrant grant(Path file, int index, JsonNode entry) {
    String where = "tokens file " + file + ", entry " + index;
    if (!entry.isObject()) {
      throw new IllegalArgumentException(where + ": must be an object");
    }
    for (Iterator<String> names = entry.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw new IllegalArgumentException(where + ": unknown field '" + name
            + "' (known: token, tenant, name, read, write)");
      }
    }
    String token = text(entry, "token", where);
    String tenant = text(entry, "tenant", where);
    String name = entry.has("name") ? text(entry, "name", where) : TokenGrant.DEFAULT_NAME;
    try {
      return new TokenGrant(
          token, tenant, name, projects(entry, "read", where), projects(entry, "write", where));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage());
    }
  }

  private static String text(JsonNode entry, String field, String where) {
    JsonNode v = entry.get(field);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException(where + ": \"" + field + "\" must be a string");
    }
    return v.asText();
  }

  private static Set<String> projects(JsonNode entry, String field, String where) {
    JsonNode v = entry.get(field);
    if (v == null) {
      return Set.of();
    }
    if (!v.isArray()) {
      throw new IllegalArgumentException(where + ": \"" + field + "\" must be an array of project names");
    }
    Set<String> names = new LinkedHashSet<>();
    for (JsonNode n : v) {
      if (!n.isTextual()) {
        throw new IllegalArgumentException(where + ": \"" + field + "\" must hold strings only");
      }
      names.add(n.asText());
    }
    return names;
  }
}
