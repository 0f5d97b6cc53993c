package dev.ferry.server.internal.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ferry.server.Await;
import dev.ferry.server.ProjectSet;
import dev.ferry.server.StorageException;
import dev.ferry.transport.wire.PushMutation;
import dev.ferry.transport.wire.RawJson;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A pooled PostgreSQL connection whose peer goes silent (no reset, as behind a dead NAT entry) fails
 * its request within the network timeout and is replaced, instead of holding it forever. Skipped
 * without {@code FERRY_TEST_PG_URL}.
 */
class PostgresNetworkTimeoutTest {

  private static final String URL = System.getenv("FERRY_TEST_PG_URL");

  private final String schema = "ferry_nt_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

  @BeforeEach
  void requirePostgres() {
    Assumptions.assumeTrue(URL != null && !URL.isBlank(), "FERRY_TEST_PG_URL is not set");
  }

  @AfterEach
  void dropSchema() throws Exception {
    if (URL != null && !URL.isBlank()) {
      try (Connection c = DriverManager.getConnection(URL); Statement s = c.createStatement()) {
        s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    }
  }

  @Test
  @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void silentPooledConnection_failsTheAppendWithinTheTimeout_andIsReplaced() throws Exception {
    URI db = URI.create(URL.substring("jdbc:".length()));
    try (BlackholeProxy proxy = new BlackholeProxy(db.getHost(), db.getPort());
        PostgresMutationLog log = PostgresMutationLog.open(
            URL.replace(":" + db.getPort() + "/", ":" + proxy.port() + "/"), schema, Duration.ofSeconds(1))) {
      log.append("t", "p", "r1", 1, List.of(mutation(1)), Instant.EPOCH);

      proxy.freezeExisting();

      assertThrows(StorageException.class, () -> log.append("t", "p", "r1", 1, List.of(mutation(2)), Instant.EPOCH));
      // Without a network timeout the append above never returns (the @Timeout fails the test).
      Await.until("appends work again on fresh connections", () -> {
        try {
          log.append("t", "p", "r1", 1, List.of(mutation(2)), Instant.EPOCH);
          return true;
        } catch (StorageException e) {
          return false;
        }
      });
      assertEquals(2, log.read("t", ProjectSet.ALL, 0, 10).mutations().size());
    }
  }

  private static PushMutation mutation(long clientSeq) {
    return new PushMutation(clientSeq, "p", "note", "k" + clientSeq, "upsert", RawJson.of("{}"), null);
  }
}
