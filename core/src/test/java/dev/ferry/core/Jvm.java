package dev.ferry.core;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
}
