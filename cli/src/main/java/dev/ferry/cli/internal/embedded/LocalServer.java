package dev.ferry.cli.internal.embedded;

import dev.ferry.server.FerryServer;
import dev.ferry.server.MutationLog;
import dev.ferry.server.ServerLimits;
import dev.ferry.server.TokenGrant;
import dev.ferry.transport.HttpSyncTransport;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reference server on a free loopback port over a SQLite log in {@code dir}, with one fresh
 * random token for each tenant it was given. Closing it stops the server.
 */
public final class LocalServer implements AutoCloseable {

  private final FerryServer server;
  private final Map<String, String> tokens = new LinkedHashMap<>();

  /**
   * Starts the server.
   *
   * @param tenants the tenants to grant everything to, one token each
   */
  public LocalServer(Path dir, List<String> tenants, ServerLimits limits) {
    FerryServer.Builder b = FerryServer.builder().storage(MutationLog.sqlite(dir.resolve("server.db")))
        .host("127.0.0.1").port(0).limits(limits);
    SecureRandom random = new SecureRandom();
    for (String tenant : tenants) {
      byte[] bytes = new byte[16];
      random.nextBytes(bytes);
      String token = "ferry-local-" + HexFormat.of().formatHex(bytes);
      tokens.put(tenant, token);
      b.grant(TokenGrant.allProjects(token, tenant));
    }
    server = b.build().start();
  }

  /** Where the server listens. */
  public URI baseUri() {
    return server.baseUri();
  }

  /** A new transport to this server acting in {@code tenant}. */
  public HttpSyncTransport transport(String tenant) {
    String token = tokens.get(tenant);
    if (token == null) {
      throw new IllegalArgumentException("no tenant " + tenant + " on this server");
    }
    return HttpSyncTransport.builder().baseUrl(baseUri().toString()).token(token)
        .retryDelays(Duration.ofMillis(20), Duration.ofMillis(200)).build();
  }

  /** Long-poll pulls parked on the server now. */
  public int parkedPulls() {
    return server.parkedPulls();
  }

  @Override
  public void close() {
    server.stop(Duration.ofSeconds(2));
  }
}
