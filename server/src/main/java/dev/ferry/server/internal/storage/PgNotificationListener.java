package dev.ferry.server.internal.storage;

import dev.ferry.server.internal.LoggedFailure;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives the commit notifications of every process sharing the database on one dedicated
 * connection, and passes each tenant on to the listeners. When the connection is lost it reconnects
 * with a growing pause and reports {@code mayHaveMissedCommits}, since notifications sent meanwhile
 * are gone. Runs on its own daemon thread.
 */
final class PgNotificationListener implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PgNotificationListener.class);
  private static final int POLL_MILLIS = 250;
  private static final long MAX_RECONNECT_PAUSE_MILLIS = 5_000;

  private final String jdbcUrl;
  private final String channel;
  private final CommitListeners listeners;
  private final Thread thread;
  private volatile boolean closed;
  private volatile @Nullable Connection connection;

  PgNotificationListener(String jdbcUrl, String channel, CommitListeners listeners) {
    this.jdbcUrl = jdbcUrl;
    this.channel = channel;
    this.listeners = listeners;
    this.thread = new Thread(this::run, "ferry-pg-notify-" + channel);
    this.thread.setDaemon(true);
  }

  /** Connects and subscribes before returning, so no commit after start is missed. */
  void start() {
    try {
      connection = listen();
    } catch (SQLException e) {
      LOG.warn(
          "cannot listen for commits on {} yet; will retry: {}",
          channel,
          LoggedFailure.describe(e));
    }
    thread.start();
  }

  private Connection listen() throws SQLException {
    Connection c = DriverManager.getConnection(jdbcUrl);
    try (Statement s = c.createStatement()) {
      // The channel is built from a validated schema name; LISTEN takes no bound parameter.
      s.execute("LISTEN \"" + channel + "\"");
      return c;
    } catch (SQLException e) {
      c.close();
      throw e;
    }
  }

  private void run() {
    long pause = 100;
    while (!closed) {
      Connection c = connection;
      try {
        if (c == null) {
          c = listen();
          connection = c;
          pause = 100;
          listeners.mayHaveMissedCommits();
        }
        PGNotification[] received = c.unwrap(PGConnection.class).getNotifications(POLL_MILLIS);
        if (received != null) {
          for (PGNotification n : received) {
            listeners.committed(n.getParameter());
          }
        }
      } catch (SQLException e) {
        if (closed) {
          return;
        }
        LOG.warn(
            "lost the commit notification connection for {}; reconnecting: {}",
            channel,
            LoggedFailure.describe(e));
        closeQuietly(c);
        connection = null;
        if (!pauseBeforeReconnect(pause)) {
          return;
        }
        pause = Math.min(MAX_RECONNECT_PAUSE_MILLIS, pause * 2);
      }
    }
  }

  private boolean pauseBeforeReconnect(long millis) {
    try {
      Thread.sleep(millis);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeQuietly(connection);
  }

  private static void closeQuietly(@Nullable Connection c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (SQLException e) {
      // Already broken; nothing more to release.
    }
  }
}
