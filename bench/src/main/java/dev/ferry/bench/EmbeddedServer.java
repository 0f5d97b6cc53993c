package dev.ferry.bench;

import dev.ferry.server.FerryServer;
import dev.ferry.server.MutationLog;
import dev.ferry.server.TokenGrant;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A reference server on a free loopback port with a SQLite log in a fresh temporary directory,
 * granting {@link #TOKEN} everything in tenant {@code bench}; closing it stops the server and
 * deletes the directory.
 */
final class EmbeddedServer implements AutoCloseable {

  static final String TOKEN = "bench-token-0123456789abcdef";

  private final Path dir;
  private final FerryServer server;

  EmbeddedServer(String name) throws IOException {
    dir = Files.createTempDirectory("ferry-" + name);
    server =
        FerryServer.builder()
            .storage(MutationLog.sqlite(dir.resolve("server.db")))
            .port(0)
            .grant(TokenGrant.allProjects(TOKEN, "bench"))
            .build()
            .start();
  }

  URI baseUri() {
    return server.baseUri();
  }

  int parkedPulls() {
    return server.parkedPulls();
  }

  @Override
  public void close() {
    server.stop(Duration.ofSeconds(5));
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }
}
