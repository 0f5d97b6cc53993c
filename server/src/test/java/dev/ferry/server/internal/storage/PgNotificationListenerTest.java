package dev.ferry.server.internal.storage;

import dev.ferry.server.Await;
import dev.ferry.server.CommitListener;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The cross-process commit listener on PostgreSQL. Skipped without {@code FERRY_TEST_PG_URL}. */
class PgNotificationListenerTest {

  private static final String URL = System.getenv("FERRY_TEST_PG_URL");

  private final String channel =
      "ferry_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
  private final Set<String> committed = ConcurrentHashMap.newKeySet();
  private final AtomicInteger missed = new AtomicInteger();
  private final CommitListeners listeners = new CommitListeners();

  @BeforeEach
  void requirePostgres() {
    Assumptions.assumeTrue(URL != null && !URL.isBlank(), "FERRY_TEST_PG_URL is not set");
    listeners.add(
        new CommitListener() {
          @Override
          public void committed(String tenant) {
            committed.add(tenant);
          }

          @Override
          public void mayHaveMissedCommits() {
            missed.incrementAndGet();
          }
        });
  }

  @Test
  void halfOpenConnection_isNoticedAndReplaced_andMissedCommitsReported() throws Exception {
    URI db = URI.create(URL.substring("jdbc:".length()));
    try (BlackholeProxy proxy = new BlackholeProxy(db.getHost(), db.getPort());
        PgNotificationListener listener =
            new PgNotificationListener(
                URL.replace(":" + db.getPort() + "/", ":" + proxy.port() + "/"),
                channel,
                listeners,
                Duration.ofMillis(200),
                Duration.ofSeconds(1))) {
      listener.start();
      notify("before");
      Await.until("the listener hears a commit", () -> committed.contains("before"));

      // The link goes silent without closing: no error ever reaches the listening connection.
      proxy.freezeExisting();

      Await.until("the listener notices and reconnects", () -> missed.get() > 0);
      notify("after");
      Await.until("the new connection listens", () -> committed.contains("after"));
    }
  }

  private void notify(String tenant) throws SQLException {
    try (Connection c = DriverManager.getConnection(URL);
        PreparedStatement s = c.prepareStatement("SELECT pg_notify(?, ?)")) {
      s.setString(1, channel);
      s.setString(2, tenant);
      s.execute();
    }
  }
}
