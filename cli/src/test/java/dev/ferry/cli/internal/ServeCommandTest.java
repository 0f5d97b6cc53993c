package dev.ferry.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.cli.Ferry;
import dev.ferry.store.MutationDraft;
import dev.ferry.store.SyncStore;
import dev.ferry.transport.HttpSyncTransport;
import dev.ferry.transport.TransportException;
import dev.ferry.transport.wire.WhoAmIResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ferry serve} run in this JVM on a free port, stopped by interrupting it. */
class ServeCommandTest {

  private static final String TOKEN = "serve-test-token-0123456789";

  @TempDir Path dir;

  /** A {@code ferry serve} running on a thread of this JVM. */
  private static final class Running implements AutoCloseable {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final AtomicInteger code = new AtomicInteger(-1);
    final Thread thread;
    final String url;

    Running(String... args) {
      thread = new Thread(() -> code.set(Ferry.run(new PrintStream(out, true, StandardCharsets.UTF_8),
          new PrintStream(err, true, StandardCharsets.UTF_8), args)), "ferry-serve-test");
      thread.start();
      Await.until("the server's address on stdout", () -> announced() != null || !thread.isAlive());
      JsonNode doc = announced();
      if (doc == null) {
        throw new AssertionError("serve ended with " + code.get() + ": " + err.toString(StandardCharsets.UTF_8));
      }
      url = doc.get("url").asText();
    }

    JsonNode announced() {
      String text = out.toString(StandardCharsets.UTF_8);
      try {
        return text.isBlank() ? null : new ObjectMapper().readTree(text);
      } catch (IOException stillWriting) {
        return null;
      }
    }

    HttpSyncTransport client(String token) {
      return HttpSyncTransport.builder().baseUrl(url).token(token).build();
    }

    @Override
    public void close() throws InterruptedException {
      thread.interrupt();
      thread.join(30_000);
    }
  }

  @Test
  void serve_withTokens_servesSyncUntilInterrupted() throws Exception {
    Path db = dir.resolve("server.db");
    Running serve = new Running("serve", "--db", db.toString(), "--port", "0", "--token", TOKEN, "--json");
    try (serve) {
      assertTrue(serve.url.startsWith("http://127.0.0.1:"), serve.url);
      Path replica = dir.resolve("a.db");
      try (SyncStore s = SyncStore.open(replica)) {
        s.jdbi().useTransaction(h -> s.documents().put(h, MutationDraft.upsert("notes", "note", "n-1", "{}")));
      }
      Cli.run("sync", "--db", replica.toString(), "--server", serve.url, "--token", TOKEN).expect(Ferry.OK);
      try (HttpSyncTransport t = serve.client(TOKEN)) {
        assertEquals(1, t.pull(0, 10, java.time.Duration.ZERO).mutations().size());
        assertEquals("default", t.whoami().tenant());
      }
    }
    assertFalse(serve.thread.isAlive());
    assertEquals(Ferry.OK, serve.code.get());
    assertTrue(Files.exists(db));
  }

  @Test
  void serve_metricsPort_servesPrometheusMetricsOnLoopback() throws Exception {
    try (Running serve = new Running("serve", "--db", dir.resolve("s.db").toString(), "--port", "0",
        "--token", TOKEN, "--metrics-port", "0", "--json")) {
      String metricsUrl = serve.announced().get("metrics_url").asText();
      assertTrue(metricsUrl.startsWith("http://127.0.0.1:") && metricsUrl.endsWith("/metrics"), metricsUrl);
      try (HttpSyncTransport t = serve.client(TOKEN)) {
        t.whoami();
      }
      java.net.http.HttpResponse<String> scraped = java.net.http.HttpClient.newHttpClient().send(
          java.net.http.HttpRequest.newBuilder(java.net.URI.create(metricsUrl)).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertEquals(200, scraped.statusCode());
      assertTrue(scraped.body().contains("ferry_http_requests_total{endpoint=\"whoami\",status=\"200\"} 1.0"),
          scraped.body());
    }
  }

  @Test
  void serve_tokensFile_grantsPerTenantAndProject() throws Exception {
    Path tokens = Files.writeString(dir.resolve("tokens.json"), """
        [{"token":"acme-writer-0123456789","tenant":"acme","name":"writer","read":["*"],"write":["notes"]},
         {"token":"acme-reader-0123456789","tenant":"acme","name":"reader","read":["notes"]}]
        """);
    try (Running serve = new Running("serve", "--db", dir.resolve("s.db").toString(), "--port", "0",
        "--tokens-file", tokens.toString(), "--json")) {
      try (HttpSyncTransport reader = serve.client("acme-reader-0123456789")) {
        WhoAmIResponse who = reader.whoami();
        assertEquals("acme", who.tenant());
      }
      try (HttpSyncTransport nobody = serve.client("not-a-token-0123456789")) {
        TransportException e = org.junit.jupiter.api.Assertions.assertThrows(TransportException.class,
            () -> nobody.pull(0, 1, java.time.Duration.ZERO));
        assertEquals(TransportException.Kind.AUTH, e.kind());
      }
    }
  }

  @Test
  void serve_tokensOfOneTenantWithDifferentGrantsButOneName_isBadUsage() throws Exception {
    Path unnamed = Files.writeString(dir.resolve("unnamed.json"), """
        [{"token":"acme-writer-0123456789","tenant":"acme","read":["*"],"write":["*"]},
         {"token":"acme-narrow-0123456789","tenant":"acme","read":["notes"],"write":["notes"]}]
        """);
    Path badName = Files.writeString(dir.resolve("bad-name.json"),
        "[{\"token\":\"acme-writer-0123456789\",\"tenant\":\"acme\",\"name\":\"a b\"}]");

    Cli.Result shared = Cli.run("serve", "--db", dir.resolve("s.db").toString(), "--port", "0",
        "--tokens-file", unnamed.toString()).expect(Ferry.USAGE);
    Cli.Result named = Cli.run("serve", "--port", "0", "--tokens-file", badName.toString()).expect(Ferry.USAGE);

    assertTrue(shared.err().contains("tokens named 'default' in tenant acme have different grants"), shared.err());
    assertFalse(shared.err().contains("acme-writer-0123"), shared.err());
    assertFalse(Files.exists(dir.resolve("s.db")), "nothing was created");
    assertTrue(named.err().contains("entry 0: name must be"), named.err());
  }

  @Test
  void serve_withoutAnyToken_refusesToStart() {
    Cli.Result r = Cli.run("serve", "--db", dir.resolve("s.db").toString(), "--port", "0").expect(Ferry.USAGE);

    assertTrue(r.err().contains("refusing to start without a token"), r.err());
    assertFalse(Files.exists(dir.resolve("s.db")), "nothing was created");
  }

  @Test
  void serve_insecureNoAuth_servesAnyTokenAndSaysSoLoudly() throws Exception {
    try (Running serve = new Running("serve", "--db", dir.resolve("s.db").toString(), "--port", "0",
        "--insecure-no-auth", "--json")) {
      assertTrue(serve.announced().get("insecure_no_auth").asBoolean());
      assertTrue(serve.err.toString(StandardCharsets.UTF_8).contains("NO AUTHENTICATION"));
      try (HttpSyncTransport anyone = serve.client("whatever-token-at-all")) {
        assertEquals("default", anyone.whoami().tenant());
      }
    }
  }

  @Test
  void serve_badTokensFileOrShortToken_isBadUsageWithoutEchoingTheToken() throws Exception {
    Path typo = Files.writeString(dir.resolve("typo.json"),
        "[{\"token\":\"secret-token-0123456789\",\"tenant\":\"acme\",\"writes\":[\"*\"]}]");
    Path notJson = Files.writeString(dir.resolve("bad.json"), "{token: secret}");

    Cli.Result unknownField = Cli.run("serve", "--port", "0", "--tokens-file", typo.toString()).expect(Ferry.USAGE);
    assertTrue(unknownField.err().contains("entry 0: unknown field 'writes'"), unknownField.err());
    assertFalse(unknownField.err().contains("secret-token"), unknownField.err());
    Cli.run("serve", "--port", "0", "--tokens-file", notJson.toString()).expect(Ferry.USAGE);
    Cli.run("serve", "--port", "0", "--tokens-file", dir.resolve("missing.json").toString()).expect(Ferry.USAGE);
    Cli.Result shortToken = Cli.run("serve", "--port", "0", "--token", "short-secret").expect(Ferry.USAGE);
    assertTrue(shortToken.err().contains("at least 16 characters"), shortToken.err());
    assertFalse(shortToken.err().contains("short-secret"), shortToken.err());
    Cli.run("serve", "--port", "0", "--token", TOKEN, "--postgres", "mysql://x").expect(Ferry.USAGE);
  }

  @Test
  void serve_tokensFileThatIsNotJsonOrNotAFile_saysWhereWithoutQuotingIt() throws Exception {
    Path unquoted = Files.writeString(dir.resolve("unquoted.json"),
        "[{\"token\": secret-token-0123456789, \"tenant\": \"acme\"}]");

    Cli.Result notJson = Cli.run("serve", "--port", "0", "--tokens-file", unquoted.toString()).expect(Ferry.USAGE);
    Cli.Result directory = Cli.run("serve", "--port", "0", "--tokens-file", dir.toString()).expect(Ferry.USAGE);

    assertTrue(notJson.err().contains("is not valid JSON (line 1, column "), notJson.err());
    assertFalse(notJson.err().contains("secret"), "the token is never quoted: " + notJson.err());
    assertTrue(directory.err().contains("is a directory"), directory.err());
  }

  @Test
  void serve_dbThatIsNotSqlite_exits1WithTheReason() throws Exception {
    Path notDb = Files.writeString(dir.resolve("notes.txt"), "not a database\n".repeat(100));

    Cli.Result r = Cli.run("serve", "--db", notDb.toString(), "--port", "0", "--token", TOKEN).expect(Ferry.FAILED);

    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().contains("cannot open the SQLite log"), r.err());
    assertTrue(r.err().contains("not a database"), "the cause is given: " + r.err());
  }

  @Test
  void serve_postgres_storesTheLogInItsSchema() throws Exception {
    String pg = System.getenv("FERRY_TEST_PG_URL");
    org.junit.jupiter.api.Assumptions.assumeTrue(pg != null && !pg.isBlank(), "FERRY_TEST_PG_URL is not set");
    String schema = "ferry_cli_" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try {
      try (Running serve = new Running("serve", "--postgres", pg, "--schema", schema, "--port", "0", "--token", TOKEN,
          "--json")) {
        Path replica = dir.resolve("a.db");
        try (SyncStore s = SyncStore.open(replica)) {
          s.jdbi().useTransaction(h -> s.documents().put(h, MutationDraft.upsert("notes", "note", "n-1", "{}")));
        }
        Cli.run("sync", "--db", replica.toString(), "--server", serve.url, "--token", TOKEN).expect(Ferry.OK);
      }
      try (java.sql.Connection c = java.sql.DriverManager.getConnection(pg);
          java.sql.Statement st = c.createStatement();
          java.sql.ResultSet rs = st.executeQuery("SELECT count(*) FROM " + schema + ".ferry_log")) {
        assertTrue(rs.next());
        assertEquals(1, rs.getInt(1));
      }
    } finally {
      try (java.sql.Connection c = java.sql.DriverManager.getConnection(pg);
          java.sql.Statement st = c.createStatement()) {
        st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    }
  }

  @Test
  void serve_portTaken_exits1WithTheReason() throws Exception {
    try (Running first = new Running("serve", "--db", dir.resolve("a.db").toString(), "--port", "0",
        "--token", TOKEN, "--json")) {
      String port = Integer.toString(first.announced().get("port").asInt());

      Cli.Result second = Cli.run("serve", "--db", dir.resolve("b.db").toString(), "--port", port, "--token", TOKEN)
          .expect(Ferry.FAILED);

      assertTrue(second.err().contains("cannot listen on 127.0.0.1:" + port), second.err());
    }
  }
}
