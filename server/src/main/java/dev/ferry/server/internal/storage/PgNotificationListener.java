package dev.ferry.server.internal.storage;

import dev.ferry.server.internal.LoggedFailure;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
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
 *
 * <p>Waiting for notifications only reads the socket, so a connection that went half-open (the
 * database host vanished, a firewall dropped the flow) would look idle forever while every
 * cross-process wake-up is lost. The listener therefore runs {@code SELECT 1} every {@code
 * pingInterval}, with reads on the connection limited to {@code networkTimeout}: a dead connection
 * fails the ping within about the sum of the two and is replaced.
 */
final class PgNotificationListener implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PgNotificationListener.class);
  private static final int POLL_MILLIS = 250;
  private static final long MAX_RECONNECT_PAUSE_MILLIS = 5_000;
  private static final Duration PING_INTERVAL = Duration.ofSeconds(5);
  private static final Duration NETWORK_TIMEOUT = Duration.ofSeconds(10);
  private static final long CLOSE_JOIN_MILLIS = 1_000;

  private final String jdbcUrl;
  private final String channel;
  private final CommitListeners listeners;
  private final long pingIntervalNanos;
  private final int networkTimeoutMillis;
  private final Thread thread;
  private volatile boolean closed;
  private volatile @Nullable Connection connection;

  PgNotificationListener(String jdbcUrl, String channel, CommitListeners listeners) {
    this(jdbcUrl, channel, listeners, PING_INTERVAL, NETWORK_TIMEOUT);
  }

  /**
   * @param pingInterval how often the connection is checked with {@code SELECT 1}
   * @param networkTimeout the longest a read on the connection may block (ping, LISTEN)
   */
  PgNotificationListener(
      String jdbcUrl,
      String channel,
      CommitListeners listeners,
      Duration pingInterval,
      Duration networkTimeout) {
    this.jdbcUrl = jdbcUrl;
    this.channel = channel;
    this.listeners = listeners;
    this.pingIntervalNanos = pingInterval.toNanos();
    this.networkTimeoutMillis = Math.toIntExact(networkTimeout.toMillis());
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
      // The driver ignores the executor; it bounds each blocking socket read.
      c.setNetworkTimeout(Runnable::run, networkTimeoutMillis);
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
    long lastPing = System.nanoTime();
    while (!closed) {
      Connection c = connection;
      try {
        if (c == null) {
          c = listen();
          connection = c;
          pause = 100;
          lastPing = System.nanoTime();
          listeners.mayHaveMissedCommits();
        }
        if (System.nanoTime() - lastPing >= pingIntervalNanos) {
          ping(c);
          lastPing = System.nanoTime();
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

  /** Fails within the network timeout when the connection is dead, even if it looks open. */
  private static void ping(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("SELECT 1");
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

  /**
   * Stops the thread. Aborts the connection first, which ends a read the thread is blocked in at
   * once (an interrupt would not), so a server stop does not wait out a ping's network timeout.
   */
  @Override
  public void close() {
    closed = true;
    abortQuietly(connection);
    thread.interrupt();
    try {
      thread.join(CLOSE_JOIN_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeQuietly(connection);
  }

  private static void abortQuietly(@Nullable Connection c) {
    if (c == null) {
      return;
    }
    try {
      c.abort(Runnable::run);
    } catch (SQLException | RuntimeException e) {
      // Already broken; closing below releases what is left.
    }
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
