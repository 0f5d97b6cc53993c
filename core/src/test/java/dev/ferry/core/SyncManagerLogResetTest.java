package dev.ferry.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.server.MutationLog;
import dev.ferry.store.MutationDraft;
import dev.ferry.store.MutationState;
import dev.ferry.store.PendingMutation;
import dev.ferry.transport.wire.PulledMutation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end against the reference server: the server's log goes back under three replicas (an
 * older copy of its database restored, an empty database swapped in), on SQLite and PostgreSQL.
 * Every replica must end equal to the server's log folded in order, every write any replica
 * retained must be on the server once, and no status may read {@code healthy} while showing the
 * server's latest seq below its cursor.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class SyncManagerLogResetTest {

  private static final String PG_URL = System.getenv("FERRY_TEST_PG_URL");
  private static final int BEFORE_BACKUP = 15;
  private static final int AFTER_BACKUP = 15;
  private static final int AFTER_LOSS = 8;

  @TempDir Path dir;

  /** How the server's log goes back: {@link #backup} while it runs, {@link #lose} to go back. */
  interface LogLoss {
    void backup(Cluster cluster);

    void lose(Cluster cluster);
  }

  @Test
  void sqlite_olderCopyOfTheServerFileRestored_replicasRepushAndConverge() {
    run(null, restoreOlderCopy(), false);
  }

  @Test
  void sqlite_olderCopyRestoredAndGrownPastTheCursor_theLastReplicaFindsItByTheAnchor() {
    // The other two recover first and push the log past the third one's cursor, under the same
    // log id: only what the log holds at the cursor tells the third one.
    run(null, restoreOlderCopy(), true);
  }

  private LogLoss restoreOlderCopy() {
    Path backup = dir.resolve("backup");
    return new LogLoss() {
      @Override
      public void backup(Cluster cluster) {
        cluster.stopServer();
        copySqlite(cluster.serverDb(), backup);
        cluster.restartServer();
      }

      @Override
      public void lose(Cluster cluster) {
        cluster.stopServer();
        copySqlite(backup.resolve(cluster.serverDb().getFileName()), cluster.serverDb().getParent());
        cluster.restartServer();
      }
    };
  }

  @Test
  void sqlite_emptyServerFileSwappedIn_replicasRepushAndConverge() {
    run(null, new LogLoss() {
      @Override
      public void backup(Cluster cluster) {}

      @Override
      public void lose(Cluster cluster) {
        cluster.stopServer();
        deleteSqlite(cluster.serverDb());
        cluster.restartServer();
      }
    }, false);
  }

  @Test
  void postgres_olderDumpRestoredIntoTheSchema_replicasRepushAndConverge() {
    Assumptions.assumeTrue(PG_URL != null && !PG_URL.isBlank(), "FERRY_TEST_PG_URL is not set");
    String schema = "ferry_reset_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    String backup = schema + "_bak";
    try {
      run(() -> MutationLog.postgres(PG_URL, schema), new LogLoss() {
        @Override
        public void backup(Cluster cluster) {
          // What pg_dump of the schema keeps, taken while the server runs.
          sql("CREATE SCHEMA " + backup);
          for (String t : TABLES) {
            sql("CREATE TABLE " + backup + "." + t + " AS SELECT * FROM " + schema + "." + t);
          }
        }

        @Override
        public void lose(Cluster cluster) {
          cluster.stopServer();
          for (String t : TABLES) {
            sql("TRUNCATE " + schema + "." + t);
            sql("INSERT INTO " + schema + "." + t + " SELECT * FROM " + backup + "." + t);
          }
          cluster.restartServer();
        }
      }, true);
    } finally {
      sql("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      sql("DROP SCHEMA IF EXISTS " + backup + " CASCADE");
    }
  }

  @Test
  void postgres_serverPointedAtAFreshDatabase_replicasRepushAndConverge() {
    Assumptions.assumeTrue(PG_URL != null && !PG_URL.isBlank(), "FERRY_TEST_PG_URL is not set");
    String schema = "ferry_reset_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    String fresh = schema + "_new";
    try {
      run(() -> MutationLog.postgres(PG_URL, schema), new LogLoss() {
        @Override
        public void backup(Cluster cluster) {}

        @Override
        public void lose(Cluster cluster) {
          // A failover to a database that never had this log (another deployment, a lost volume).
          cluster.stopServer();
          cluster.storage(() -> MutationLog.postgres(PG_URL, fresh));
          cluster.restartServer();
        }
      }, false);
    } finally {
      sql("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      sql("DROP SCHEMA IF EXISTS " + fresh + " CASCADE");
    }
  }

  private static final List<String> TABLES =
      List.of("ferry_log", "ferry_replica_epochs", "ferry_log_ids", "ferry_meta");

  private void run(java.util.function.@org.jspecify.annotations.Nullable Supplier<MutationLog> storage,
      LogLoss loss, boolean lateReplica) {
    try (Cluster cluster = new Cluster(dir, storage)) {
      List<Cluster.Replica> replicas = new ArrayList<>();
      List<String> violations = new CopyOnWriteArrayList<>();
      for (String name : List.of("alpha", "beta", "gamma")) {
        Cluster.Replica r = cluster.replica(name);
        r.manager().addListener(s -> {
          if (s.phase() == Phase.HEALTHY && s.serverLatestSeq() < s.lastPulledSeq()) {
            violations.add(name + ": " + s);
          }
        });
        r.manager().start();
        replicas.add(r);
      }
      write(replicas, 0, BEFORE_BACKUP);
      syncAll(cluster, replicas);
      loss.backup(cluster);
      write(replicas, BEFORE_BACKUP, AFTER_BACKUP);
      syncAll(cluster, replicas);
      long cursorBefore = replicas.get(0).manager().status().lastPulledSeq();
      assertEquals(3L * (BEFORE_BACKUP + AFTER_BACKUP), cursorBefore);

      Cluster.Replica late = replicas.get(2);
      if (lateReplica) {
        late.manager().pause("offline");
      }
      loss.lose(cluster);
      // Writes after the loss get seqs at or below the old cursors.
      if (lateReplica) {
        List<Cluster.Replica> first = replicas.subList(0, 2);
        write(first, BEFORE_BACKUP + AFTER_BACKUP, AFTER_LOSS);
        syncAll(cluster, first);
        assertTrue(latest(cluster.serverLog()) >= cursorBefore, "the log grew past the late replica's cursor");
        write(List.of(late), BEFORE_BACKUP + AFTER_BACKUP, AFTER_LOSS);
        late.manager().resume("offline");
      } else {
        write(replicas, BEFORE_BACKUP + AFTER_BACKUP, AFTER_LOSS);
      }
      for (Cluster.Replica r : replicas) {
        r.manager().syncNow();
      }

      int total = BEFORE_BACKUP + AFTER_BACKUP + AFTER_LOSS;
      assertConverged(cluster, replicas, total);
      assertTrue(violations.isEmpty(), () -> "healthy while the server's log was behind the cursor: " + violations);
      for (Cluster.Replica r : replicas) {
        SyncStatus s = r.manager().status();
        assertTrue(s.recentErrors().stream().anyMatch(e -> e.code().equals(ReasonCode.LOG_RESET.wireName())),
            () -> r.name() + " recorded the reset: " + s.recentErrors());
      }
    }
  }

  private static void write(List<Cluster.Replica> replicas, int from, int count) {
    for (int n = from; n < from + count; n++) {
      for (Cluster.Replica r : replicas) {
        // Shared keys (several writers, overwrites) and keys of one writer.
        String key = n % 3 == 0 ? "shared-" + (n % 5) : r.name() + "-" + n;
        MutationDraft draft = n % 7 == 6 ? MutationDraft.delete("notes", "doc", key)
            : MutationDraft.upsert("notes", "doc", key, "{\"by\":\"" + r.name() + "\",\"n\":" + n + "}");
        r.write(draft);
      }
    }
  }

  /** Syncs every replica until all hold the whole log. */
  private static void syncAll(Cluster cluster, List<Cluster.Replica> replicas) {
    Await.until("every replica caught up", Duration.ofSeconds(60), () -> {
      long latest = latest(cluster.serverLog());
      boolean done = true;
      for (Cluster.Replica r : replicas) {
        SyncStatus s = r.manager().status();
        if (s.pendingCount() != 0 || s.lastPulledSeq() != latest) {
          r.manager().syncNow();
          done = false;
        }
      }
      // A push acked between reading the log and a replica's status would look caught up.
      return done && latest(cluster.serverLog()) == latest;
    });
  }

  private static void assertConverged(Cluster cluster, List<Cluster.Replica> replicas, int writesEach) {
    Await.until("every replica equals the server's log folded", Duration.ofSeconds(120), () -> {
      List<PulledMutation> log = cluster.serverLog();
      long latest = latest(log);
      Map<String, String> expected = Cluster.fold(log);
      boolean done = true;
      for (Cluster.Replica r : replicas) {
        SyncStatus s = r.manager().status();
        if (s.pendingCount() != 0 || s.lastPulledSeq() != latest || !r.documents().equals(expected)
            || s.phase() != Phase.HEALTHY) {
          r.manager().syncNow();
          done = false;
        }
      }
      return done;
    });
    List<PulledMutation> log = cluster.serverLog();
    Set<String> onServer = new HashSet<>();
    for (PulledMutation m : log) {
      assertTrue(onServer.add(m.replicaId() + "#" + m.clientSeq()), "stored twice: " + m);
    }
    Set<String> retained = new HashSet<>();
    for (Cluster.Replica r : replicas) {
      assertEquals(0, r.rows(MutationState.QUARANTINED).size(), r.name());
      List<PendingMutation> acked = r.rows(MutationState.ACKED);
      assertEquals(writesEach, acked.size(), r.name() + ": every write acked");
      for (PendingMutation m : acked) {
        retained.add(r.store().replicaId() + "#" + m.seq());
      }
    }
    assertEquals(retained, onServer, "every retained write is on the server, nothing invented");
  }

  private static long latest(List<PulledMutation> log) {
    return log.isEmpty() ? 0 : log.get(log.size() - 1).seq();
  }

  static void copySqlite(Path file, Path toDir) {
    try {
      Files.createDirectories(toDir);
      deleteSqlite(toDir.resolve(file.getFileName()));
      for (String suffix : List.of("", "-wal", "-shm")) {
        Path from = file.resolveSibling(file.getFileName() + suffix);
        if (Files.exists(from)) {
          Files.copy(from, toDir.resolve(from.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void deleteSqlite(Path file) {
    try {
      for (String suffix : List.of("", "-wal", "-shm")) {
        Files.deleteIfExists(file.resolveSibling(file.getFileName() + suffix));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void sql(String statement) {
    try (Connection c = DriverManager.getConnection(PG_URL); Statement s = c.createStatement()) {
      s.execute(statement);
    } catch (SQLException e) {
      throw new IllegalStateException(statement, e);
    }
  }
}
