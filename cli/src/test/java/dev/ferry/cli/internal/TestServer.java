package dev.ferry.cli.internal;

import dev.ferry.server.FerryServer;
import dev.ferry.server.MutationLog;
import dev.ferry.server.TokenGrant;
import java.nio.file.Path;
import java.time.Duration;

/** A reference server on a free loopback port with one all-projects token. */
final class TestServer implements AutoCloseable {

  static final String TOKEN = "cli-test-token-0123456789";

  private final FerryServer server;

  TestServer(Path dir) {
    server = FerryServer.builder().storage(MutationLog.sqlite(dir.resolve("server.db"))).port(0)
        .grant(TokenGrant.allProjects(TOKEN, "test")).build().start();
  }

  String url() {
    return server.baseUri().toString();
  }

  @Override
  public void close() {
    server.stop(Duration.ofSeconds(1));
  }
}
