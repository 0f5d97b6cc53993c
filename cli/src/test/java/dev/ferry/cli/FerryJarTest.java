package dev.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.store.LeaseInfo;
import dev.ferry.store.MutationDraft;
import dev.ferry.store.SyncStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded {@code cli/target/ferry.jar} run as separate processes, the way the {@code ./ferry}
 * launcher runs it: exit codes, one JSON document on stdout, the SQLite driver and the SLF4J provider
 * found inside the jar. Runs in the package phase, after the jar is built.
 */
class FerryJarTest {

  private static final String TOKEN = "jar-test-token-0123456789";

  @TempDir Path dir;

  private record Run(int code, String out, String err) {
    JsonNode json() throws IOException {
      return new ObjectMapper().readTree(out);
    }
  }

  private static List<String> command(String... args) {
    String jar = System.getProperty("ferry.jar", "target/ferry.jar");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", jar));
    command.addAll(List.of(args));
    return command;
  }

  private Run run(String... args) throws Exception {
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process p = new ProcessBuilder(command(args)).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "ferry " + String.join(" ", args) + " finished");
    return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  @Test
  void help_unknownCommand_andUnknownFlag() throws Exception {
    Run help = run("--help");
    assertEquals(0, help.code());
    assertTrue(help.out().startsWith("Usage: ferry"), help.out());

    Run unknown = run("frobnicate");
    assertEquals(2, unknown.code());
    assertEquals("", unknown.out());
    assertEquals(1, unknown.err().lines().count(), unknown.err());

    Run flag = run("demo", "--frobnicate");
    assertEquals(2, flag.code());
    assertEquals(1, flag.err().lines().count(), flag.err());
  }

  @Test
  void launcher_fromAnotherDirectory_runsTheJar() throws Exception {
    Path launcher = Path.of("..", "ferry").toAbsolutePath().normalize();
    ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "status", "--db", "missing.db")
        .directory(dir.toFile()).redirectOutput(dir.resolve("l.out").toFile()).redirectError(dir.resolve("l.err").toFile());
    pb.environment().put("FERRY_SKIP_BUILD", "1");
    Process p = pb.start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));

    String err = Files.readString(dir.resolve("l.err"));
    assertEquals(2, p.exitValue(), err);
    assertTrue(err.startsWith("ferry status: no such file: missing.db"), err);
    assertFalse(Files.exists(dir.resolve("missing.db")));
  }

  @Test
  void serveAndSync_asProcesses_leaseBusyIs75ThenSyncs() throws Exception {
    Path serveOut = dir.resolve("serve.out");
    Path serveErr = dir.resolve("serve.err");
    Process serve = new ProcessBuilder(command("serve", "--db", dir.resolve("server.db").toString(), "--port", "0",
        "--token", TOKEN, "--json")).redirectOutput(serveOut.toFile()).redirectError(serveErr.toFile()).start();
    try {
      String url = awaitUrl(serve, serveOut, serveErr);
      Path db = dir.resolve("a.db");
      String other = "another-process/77/beef";
      // The holder stays open (a live process keeps the lease's file lock) until it releases.
      try (SyncStore store = SyncStore.open(db)) {
        store.jdbi().useTransaction(h -> store.documents().put(h, MutationDraft.upsert("notes", "note", "n-1", "{}")));
        LeaseInfo held = store.leases().acquire("cloud", other, Duration.ofMinutes(5));

        Run busy = run("sync", "--db", db.toString(), "--server", url, "--token", TOKEN, "--json");
        assertEquals(75, busy.code(), busy.err());
        assertEquals("lease_held_elsewhere", busy.json().get("outcome").asText());
        assertTrue(busy.err().contains(other), busy.err());

        store.leases().release(held.fence());
      }
      Run synced = run("sync", "--db", db.toString(), "--server", url, "--token", TOKEN, "--json");
      assertEquals(0, synced.code(), synced.err());
      assertEquals(1, synced.json().get("pushed").asInt());
      assertFalse(synced.err().contains("SLF4J"), "the logging provider is inside the jar: " + synced.err());

      Run status = run("status", "--db", db.toString(), "--json");
      assertEquals(0, status.code(), status.err());
      assertEquals("healthy", status.json().get("phase").asText());
    } finally {
      serve.destroy();
      assertTrue(serve.waitFor(30, TimeUnit.SECONDS));
    }
    assertTrue(Files.readString(serveErr).contains("stopped"), "SIGTERM stops the server gracefully");
  }

  @Test
  void demo_smallRun_converges() throws Exception {
    Run demo = run("demo", "--replicas", "2", "--mutations", "200", "--json");

    assertEquals(0, demo.code(), demo.err());
    assertTrue(demo.json().get("converged").asBoolean());
    assertFalse(demo.err().contains("SLF4J"), demo.err());
  }

  @Test
  void demoAndBench_stoppedBySigterm_removeTheirTemporaryFiles() throws Exception {
    String[][] runs = {
      {"demo", "--replicas", "2", "--mutations", "1000000", "--rate", "500"},
      {"bench", "--mutations", "5000000", "--warmup-rounds", "0"},
    };
    for (String[] args : runs) {
      Path tmp = Files.createDirectory(dir.resolve("tmp-" + args[0]));
      Path err = dir.resolve(args[0] + ".err");
      List<String> command = command(args);
      command.add(1, "-Djava.io.tmpdir=" + tmp);
      Process p = new ProcessBuilder(command).redirectOutput(dir.resolve(args[0] + ".out").toFile())
          .redirectError(err.toFile()).start();
      try {
        String working = args[0].equals("demo") ? "replicas writing" : "recording";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(err).contains(working)) {
          assertTrue(p.isAlive() && System.nanoTime() < deadline, "ferry " + args[0] + " got to work: "
              + Files.readString(err));
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        assertEquals(1, scratchDirs(tmp).size(), "its files are there while it works");
      } finally {
        p.destroy(); // SIGTERM
      }

      assertTrue(p.waitFor(30, TimeUnit.SECONDS), "ferry " + args[0] + " stopped on SIGTERM");
      assertEquals(143, p.exitValue(), Files.readString(err));
      assertEquals(List.of(), scratchDirs(tmp), "ferry " + args[0] + " removed its files: " + Files.readString(err));
    }
  }

  private static List<Path> scratchDirs(Path tmp) throws IOException {
    try (var files = Files.list(tmp)) {
      return files.filter(f -> f.getFileName().toString().startsWith("ferry-")).toList();
    }
  }

  private static String awaitUrl(Process serve, Path out, Path err) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      String text = Files.readString(out, StandardCharsets.UTF_8);
      if (!text.isBlank()) {
        try {
          return new ObjectMapper().readTree(text).get("url").asText();
        } catch (IOException stillWriting) {
          // not complete yet
        }
      }
      if (!serve.isAlive()) {
        throw new AssertionError("ferry serve ended: " + Files.readString(err));
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
    throw new AssertionError("ferry serve did not print its address: " + Files.readString(err));
  }
}
