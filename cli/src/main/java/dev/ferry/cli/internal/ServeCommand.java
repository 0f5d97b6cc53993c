package dev.ferry.cli.internal;

import dev.ferry.cli.Ferry;
import dev.ferry.server.FerryServer;
import dev.ferry.server.MutationLog;
import dev.ferry.server.TokenGrant;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ferry serve}: the reference sync server until interrupted. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    header = "Run the reference sync server.",
    description = {
      "Runs the reference sync server (wire protocol v1) until stopped with Ctrl-C or SIGTERM,"
          + " which stops it gracefully. Storage: a SQLite file (--db) or PostgreSQL (--postgres),"
          + " which several server processes may share.",
      "Refuses to start without a token unless --insecure-no-auth is given."
    })
final class ServeCommand extends BaseCommand {

  private static final Duration STOP_DEADLINE = Duration.ofSeconds(5);

  @Option(names = "--db", defaultValue = "ferry-server.db", paramLabel = "FILE",
      description = "the server's SQLite file, created if missing (default: ${DEFAULT-VALUE})")
  Path db;

  @Option(names = "--postgres", paramLabel = "JDBC_URL",
      description = "use PostgreSQL instead of --db, e.g. jdbc:postgresql://host/db?user=ferry")
  @Nullable String postgres;

  @Option(names = "--schema", defaultValue = "ferry", paramLabel = "NAME",
      description = "the PostgreSQL schema, created if missing (default: ${DEFAULT-VALUE})")
  String schema;

  @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "HOST",
      description = "the address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for every interface)")
  String host;

  @Option(names = "--port", defaultValue = "8787", paramLabel = "PORT",
      description = "the port, 0 for a free one (default: ${DEFAULT-VALUE})")
  int port;

  @Option(names = "--token", paramLabel = "SECRET",
      description = "a token that may read and write every project of tenant --tenant (repeatable;"
          + " at least 16 characters)")
  List<String> tokens = new ArrayList<>();

  @Option(names = "--tokens-file", paramLabel = "FILE",
      description = "a JSON array of {\"token\",\"tenant\",\"name\",\"read\":[...],\"write\":[...]}"
          + " (\"*\" = every project; \"name\" the principal that owns the replicas it pushes,"
          + " default \"default\")")
  @Nullable Path tokensFile;

  @Option(names = "--tenant", defaultValue = "default", paramLabel = "NAME",
      description = "the tenant of --token and of --insecure-no-auth (default: ${DEFAULT-VALUE})")
  String tenant;

  @Option(names = "--insecure-no-auth",
      description = "serve without authentication: any request may read and write every project of"
          + " --tenant. For development on a trusted machine only")
  boolean insecureNoAuth;

  @Option(names = "--metrics-port", paramLabel = "PORT",
      description = "serve Prometheus metrics at http://METRICS_HOST:PORT/metrics on a listener of their own"
          + " (0 for a free port; off when not given)")
  @Nullable Integer metricsPort;

  @Option(names = "--metrics-host", defaultValue = "127.0.0.1", paramLabel = "HOST",
      description = "the address of the metrics listener (default: ${DEFAULT-VALUE}; it has no authentication)")
  String metricsHost;

  @Option(names = "--json", description = "print where the server listens as one JSON document once it is up")
  boolean json;

  /** Counted down to stop a server started in-process (tests); a signal stops the JVM's. */
  private final CountDownLatch stopped = new CountDownLatch(1);

  @Override
  public Integer call() {
    List<TokenGrant> grants = grants();
    if (grants.isEmpty() && !insecureNoAuth) {
      throw usage("refusing to start without a token: give --token or --tokens-file, or --insecure-no-auth"
          + " for a development server anyone who can reach it may read and write");
    }
    FerryServer.Builder builder = FerryServer.builder().grants(grants);
    try {
      builder.host(host).port(port);
      if (metricsPort != null) {
        builder.metricsPort(metricsPort).metricsHost(metricsHost);
      }
      if (insecureNoAuth) {
        builder.insecureNoAuth(tenant);
      }
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    FerryServer server = builder.storage(storage()).build();
    try {
      server.start();
    } catch (UncheckedIOException e) {
      server.stop(Duration.ZERO);
      throw CliFailure.failed(e.getMessage() + ": " + e.getCause().getMessage());
    }
    Thread hook = new Thread(() -> stop(server), "ferry-serve-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      announce(server, grants.size());
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // The hook is running (or ran) and stops the server.
      }
      stop(server);
    }
    return Ferry.OK;
  }

  private void stop(FerryServer server) {
    server.stop(STOP_DEADLINE);
    stopped.countDown();
  }

  private List<TokenGrant> grants() {
    List<TokenGrant> grants = new ArrayList<>();
    for (int i = 0; i < tokens.size(); i++) {
      try {
        grants.add(TokenGrant.allProjects(tokens.get(i), tenant));
      } catch (IllegalArgumentException e) {
        throw usage("--token number " + (i + 1) + ": " + e.getMessage());
      }
    }
    if (tokensFile != null) {
      try {
        grants.addAll(TokensFile.read(tokensFile));
      } catch (IllegalArgumentException e) {
        throw usage(e.getMessage());
      }
    }
    if (grants.stream().map(TokenGrant::token).distinct().count() != grants.size()) {
      throw usage("the same token is given twice");
    }
    try {
      TokenGrant.checkTogether(grants);
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    return grants;
  }

  private MutationLog storage() {
    if (postgres != null) {
      if (spec.commandLine().getParseResult().hasMatchedOption("--db")) {
        throw usage("give either --db or --postgres, not both");
      }
      if (!postgres.startsWith("jdbc:postgresql:")) {
        throw usage("--postgres must be a jdbc:postgresql: URL");
      }
      return MutationLog.postgres(postgres, schema);
    }
    return MutationLog.sqlite(db);
  }

  private void announce(FerryServer server, int grantCount) {
    String auth = insecureNoAuth ? "NO AUTHENTICATION (tenant " + tenant + ")" : grantCount + " token(s)";
    note("ferry serve: listening on " + server.baseUri() + " with " + auth + "; Ctrl-C stops it");
    if (metricsPort != null) {
      note("ferry serve: metrics at " + server.metricsUri());
    }
    if (json) {
      var doc = Json.object().put("url", server.baseUri().toString()).put("host", host)
          .put("port", server.port()).put("storage", postgres != null ? "postgres schema " + schema : "sqlite:" + db)
          .put("tokens", grantCount).put("insecure_no_auth", insecureNoAuth);
      if (metricsPort != null) {
        doc.put("metrics_url", server.metricsUri().toString());
      }
      Json.print(out(), doc);
    }
  }
}
