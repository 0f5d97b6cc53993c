package dev.ferry.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.cli.Ferry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Help, version and bad usage of every command. */
class FerryUsageTest {

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"", "demo", "serve", "sync", "status", "outbox", "outbox list", "outbox requeue",
      "outbox drop", "pause", "resume", "bench"})
  void help_everyCommand_printsUsageOnStdoutAndExitsZero(String command) {
    String[] args = (command.isEmpty() ? "--help" : command + " --help").split(" ");

    // picocli reports a help text it cannot format (a bare '%') on System.err, not the command's err.
    PrintStream systemErr = System.err;
    ByteArrayOutputStream picocliWarnings = new ByteArrayOutputStream();
    Cli.Result r;
    try {
      System.setErr(new PrintStream(picocliWarnings, true, StandardCharsets.UTF_8));
      r = Cli.run(args).expect(Ferry.OK);
    } finally {
      System.setErr(systemErr);
    }

    assertTrue(r.out().contains("Usage: ferry" + (command.isEmpty() ? "" : " " + command) + " ["), r.out());
    assertEquals("", r.err());
    assertEquals("", picocliWarnings.toString(StandardCharsets.UTF_8), "the help text formats cleanly");
  }

  @Test
  void help_bench_showsTheIdleTargetWithItsPercentSign() {
    assertTrue(Cli.run("bench", "--help").expect(Ferry.OK).out().contains("idle CPU < 1 % of a core."));
  }

  @Test
  void version_printsFerryAndItsVersion() {
    Cli.Result r = Cli.run("--version").expect(Ferry.OK);

    assertTrue(r.out().startsWith("ferry "), r.out());
  }

  @Test
  void unknownCommand_oneLineOnStderrAndExit2() {
    Cli.Result r = Cli.run("frobnicate").expect(Ferry.USAGE);

    assertEquals("", r.out());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().contains("'frobnicate'"), r.err());
  }

  @Test
  void unknownFlag_oneLineOnStderrAndExit2() {
    Path db = dir.resolve("a.db");

    Cli.Result r = Cli.run("status", "--db", db.toString(), "--frobnicate").expect(Ferry.USAGE);

    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().startsWith("ferry status: Unknown option: '--frobnicate'"), r.err());
    assertFalse(Files.exists(db), "nothing was created");
  }

  @Test
  void badUsage_withJson_printsOneErrorDocumentOnStdoutToo() {
    String missing = dir.resolve("missing.db").toString();
    String[][] runs = {
      {"status", "--db", missing, "--json"},
      {"status", "--db", missing, "--json", "--frobnicate"},
      {"outbox", "drop", "--db", missing, "--json", "x"},
      {"sync", "--db", missing, "--json"},
      {"demo", "--replicas", "0", "--json"},
    };
    for (String[] args : runs) {
      Cli.Result r = Cli.run(args).expect(Ferry.USAGE);

      JsonNode doc = r.json();
      assertEquals(Ferry.USAGE, doc.get("exit_code").asInt(), r.out());
      assertTrue(r.err().contains(doc.get("error").asText()), "stderr says the same: " + r.err());
      assertEquals(1, r.err().lines().count(), r.err());
    }
    assertEquals("", Cli.run("status", "--db", missing).expect(Ferry.USAGE).out(), "no JSON without --json");
  }

  @Test
  void unknownOutboxSubcommandAndMissingCommand_exit2() {
    assertTrue(Cli.run("outbox", "purge").expect(Ferry.USAGE).err().startsWith("ferry outbox: "));
    assertTrue(Cli.run("outbox").expect(Ferry.USAGE).err().contains("list, requeue or drop"));
    assertTrue(Cli.run().expect(Ferry.USAGE).err().contains("a command is required"));
  }

  @Test
  void missingRequiredOptionOrBadNumber_exit2WithTheOptionNamed() {
    assertTrue(Cli.run("sync", "--db", "x.db").expect(Ferry.USAGE).err().contains("--server"));
    assertTrue(Cli.run("demo", "--replicas", "many").expect(Ferry.USAGE).err().contains("--replicas"));
    assertTrue(Cli.run("demo", "--replicas", "0").expect(Ferry.USAGE).err().contains("--replicas"));
    assertTrue(Cli.run("bench", "--batch", "0").expect(Ferry.USAGE).err().contains("--batch"));
  }

  @Test
  void missingFile_isBadUsageAndNotCreated() {
    Path db = dir.resolve("missing.db");

    for (String command : new String[] {"status", "pause", "resume"}) {
      Cli.Result r = Cli.run(command, "--db", db.toString()).expect(Ferry.USAGE);
      assertTrue(r.err().contains("no such file"), r.err());
    }
    Cli.run("outbox", "list", "--db", db.toString()).expect(Ferry.USAGE);
    assertFalse(Files.exists(db));
  }

  @Test
  void notADatabase_failsWithTheStoreReasonAndLeavesTheFileAlone() throws Exception {
    Path db = dir.resolve("notes.txt");
    Files.writeString(db, "just some notes, not SQLite at all\n".repeat(100));

    Cli.Result r = Cli.run("status", "--db", db.toString(), "--json").expect(Ferry.FAILED);

    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().contains("not_a_database"), r.err());
    assertEquals(Ferry.FAILED, r.json().get("exit_code").asInt());
    assertEquals("just some notes, not SQLite at all\n".repeat(100), Files.readString(db));
  }
}
