package dev.ferry.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A reference server in a second JVM, for tests where "another process" must really be one (two
 * servers sharing a PostgreSQL database). It prints its port, serves until its standard input
 * closes, then stops.
 */
public final class ChildServer implements AutoCloseable {

  private final Process process;
  private final URI baseUri;

  private ChildServer(Process process, URI baseUri) {
    this.process = process;
    this.baseUri = baseUri;
  }

  /** A server on SQLite with one grant of every project of tenant {@code t} to {@code token}. */
  public static ChildServer sqlite(Path db, String token, int workerThreads) {
    return start(List.of(), "sqlite", db.toString(), "", token, "t", Integer.toString(workerThreads));
  }

  /** A server on a PostgreSQL schema with one grant of every project of {@code tenant} to {@code token}. */
  public static ChildServer postgres(String jdbcUrl, String schema, String token, String tenant) {
    return start(List.of(), "postgres", jdbcUrl, schema, token, tenant,
        Integer.toString(ServerLimits.defaults().workerThreads()));
  }

  private static ChildServer start(List<String> systemProperties, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    for (String p : systemProperties) {
      command.add("-D" + p);
    }
    command.add(ChildServer.class.getName());
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    try {
      Process p = pb.start();
      BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String line = out.readLine();
      if (line == null || !line.startsWith("PORT ")) {
        p.destroyForcibly();
        throw new IllegalStateException("the server process did not report a port: " + line);
      }
      return new ChildServer(p, URI.create("http://127.0.0.1:" + line.substring(5).trim()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the server process", e);
    }
  }

  public URI baseUri() {
    return baseUri;
  }

  @Override
  public void close() {
    try {
      process.getOutputStream().close();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (IOException e) {
      process.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  /**
   * The second JVM: args are the storage kind ({@code sqlite} or {@code postgres}), the database
   * file or JDBC URL, the schema (PostgreSQL), the token, the tenant and the number of worker
   * threads.
   */
  public static void main(String[] args) throws IOException {
    MutationLog storage =
        args[0].equals("postgres") ? MutationLog.postgres(args[1], args[2]) : MutationLog.sqlite(Path.of(args[1]));
    FerryServer server =
        FerryServer.builder()
            .storage(storage)
            .port(0)
            .grant(TokenGrant.allProjects(args[3], args[4]))
            .limits(ServerLimits.builder().workerThreads(Integer.parseInt(args[5])).build())
            .build()
            .start();
    System.out.println("PORT " + server.port());
    System.out.flush();
    while (System.in.read() >= 0) {
      // Serve until the parent closes our standard input (or dies).
    }
    server.stop(Duration.ofSeconds(5));
  }
}
