package dev.ferry.server.internal.storage;

import dev.ferry.server.FerryServer;
import dev.ferry.server.MutationLog;
import dev.ferry.server.TokenGrant;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A reference server in a second JVM on a PostgreSQL schema, for tests where "another process" must
 * really be one. It prints its port, serves until its standard input closes, then stops.
 */
final class ServerProcess implements AutoCloseable {

  private final Process process;
  private final URI baseUri;

  private ServerProcess(Process process, URI baseUri) {
    this.process = process;
    this.baseUri = baseUri;
  }

  static ServerProcess start(String jdbcUrl, String schema, String token, String tenant) {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder pb =
        new ProcessBuilder(
            List.of(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "-Dsun.net.httpserver.nodelay=true",
                ServerProcess.class.getName(),
                jdbcUrl,
                schema,
                token,
                tenant));
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
      return new ServerProcess(p, URI.create("http://127.0.0.1:" + line.substring(5).trim()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the server process", e);
    }
  }

  URI baseUri() {
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

  /** The second JVM: args are JDBC URL, schema, token, tenant. */
  public static void main(String[] args) throws IOException {
    FerryServer server =
        FerryServer.builder()
            .storage(MutationLog.postgres(args[0], args[1]))
            .port(0)
            .grant(TokenGrant.allProjects(args[2], args[3]))
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
