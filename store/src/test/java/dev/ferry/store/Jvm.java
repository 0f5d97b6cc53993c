package dev.ferry.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Starts a test {@code main} class in a separate JVM on the test classpath, output to files. */
final class Jvm {

  private Jvm() {}

  static Process start(Class<?> main, Path outDir, String name, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx128m");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.addAll(List.of(args));
    return new ProcessBuilder(command)
        .redirectOutput(outDir.resolve(name + ".out").toFile())
        .redirectError(outDir.resolve(name + ".err").toFile())
        .start();
  }

  static int await(Process p, Path outDir, String name, long timeoutSeconds) throws Exception {
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(name + " did not finish in " + timeoutSeconds + " s; stderr: " + stderr(outDir, name));
    }
    return p.exitValue();
  }

  static List<String> stdout(Path outDir, String name) throws IOException {
    return Files.readAllLines(outDir.resolve(name + ".out"));
  }

  static String stderr(Path outDir, String name) throws IOException {
    Path err = outDir.resolve(name + ".err");
    return Files.exists(err) ? Files.readString(err) : "";
  }
}
