package dev.ferry.cli.readme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.server.FerryServer;
import dev.ferry.server.MutationLog;
import dev.ferry.server.TokenGrant;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's embedding example runs, and the README shows it exactly as it is compiled here. */
class NotesAppTest {

  private static final String TOKEN = "readme-token-0123456789";

  @TempDir Path dir;

  @Test
  void notesApp_aNoteSavedOnOneReplicaReachesTheOthersTable() throws Exception {
    try (FerryServer server = FerryServer.builder().storage(MutationLog.sqlite(dir.resolve("server.db"))).port(0)
            .grant(TokenGrant.allProjects(TOKEN, "readme")).build().start();
        NotesApp laptop = new NotesApp(dir.resolve("laptop.db"), server.baseUri().toString(), TOKEN);
        NotesApp desktop = new NotesApp(dir.resolve("desktop.db"), server.baseUri().toString(), TOKEN)) {
      laptop.saveNote("n-1", "{\"title\":\"groceries\"}");

      await(() -> body(dir.resolve("desktop.db"), "n-1").isPresent());
      assertEquals("{\"title\":\"groceries\"}", body(dir.resolve("desktop.db"), "n-1").orElseThrow());
      // After the push is acked the laptop's cycle still pulls (its own echo): wait for it to end.
      await(() -> status(laptop).at("/pending/count").asInt() == 0
          && status(laptop).get("phase").asText().equals("healthy"));
      JsonNode status = status(laptop);
      assertEquals(1, status.at("/totals/pushed").asInt());
    }
  }

  @Test
  void readme_showsTheExampleVerbatim() throws Exception {
    String source = Files.readString(Path.of("src/test/java/dev/ferry/cli/readme/NotesApp.java"));
    String example = source.substring(source.indexOf("// README begin\n") + "// README begin\n".length(),
        source.indexOf("// README end\n"));
    String readme = Files.readString(Path.of("../README.md"), StandardCharsets.UTF_8);

    assertTrue(readme.contains("```java\n" + example + "```\n"),
        "README.md must show cli/src/test/java/dev/ferry/cli/readme/NotesApp.java between the markers,"
            + " verbatim, in a java code block:\n" + example);
    assertTrue(example.lines().count() > 30, "the example was found");
  }

  private static JsonNode status(NotesApp app) {
    try {
      return new ObjectMapper().readTree(app.syncStatus());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Optional<String> body(Path file, String id) {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      var ps = c.prepareStatement("SELECT body FROM notes WHERE id = ?");
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void await(java.util.function.BooleanSupplier condition) {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out");
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
  }
}
