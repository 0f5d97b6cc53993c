package dev.ferry.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.store.MutationDraft;
import dev.ferry.store.MutationState;
import dev.ferry.store.PendingMutation;
import dev.ferry.transport.wire.PulledMutation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end against the reference server on loopback: three replicas in one JVM write concurrently
 * (often to the same keys, upserts and deletes) and must converge: every replica's documents equal
 * the server log folded in seq order, every recorded mutation is on the server, none twice —
 * also with long-poll on and no poll to fall back on, and while the server is stopped and
 * restarted mid-run.
 */
class SyncManagerConvergenceTest {

  private static final int WRITES = 300;
  private static final int KEYS = 25;

  @TempDir Path dir;

  @Test
  void threeReplicas_concurrentWritesToTheSameKeys_converge() throws Exception {
    try (Cluster cluster = new Cluster(dir)) {
      List<Cluster.Replica> replicas = start(cluster);
      runWriters(replicas, null);
      assertConverged(cluster, replicas);
    }
  }

  @Test
  void threeReplicas_longPollOnAndNoPollToHideAMiss_converge() throws Exception {
    try (Cluster cluster = new Cluster(dir)) {
      // Remote writes reach an idle replica only through its long-poll: the poll is an hour away.
      List<Cluster.Replica> replicas = start(cluster,
          Cluster.config().longPollWait(Duration.ofSeconds(25)).pollInterval(Duration.ofHours(1)));
      runWriters(replicas, null);
      assertConverged(cluster, replicas);
    }
  }

  @Test
  void threeReplicas_serverStoppedAndRestartedMidRun_converge() throws Exception {
    try (Cluster cluster = new Cluster(dir)) {
      List<Cluster.Replica> replicas = start(cluster);
      Outage outage = new Outage(new CountDownLatch(replicas.size()), new CountDownLatch(1),
          new CountDownLatch(replicas.size()), new CountDownLatch(1));
      Thread control = new Thread(() -> {
        try {
          outage.firstThird().await();
          cluster.stopServer();
          outage.stopped().countDown();
          // Writes go on against a dead server: they stay pending and the managers back off.
          outage.secondThird().await();
          Await.until("the managers notice the outage", Duration.ofSeconds(60),
              () -> replicas.stream().allMatch(r -> r.manager().status().consecutiveFailures() > 0));
          cluster.restartServer();
          outage.restarted().countDown();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      control.start();
      runWriters(replicas, outage);
      control.join();
      assertConverged(cluster, replicas);
      assertTrue(replicas.stream().allMatch(r -> r.manager().status().totalFailures() > 0), "the outage was noticed");
    }
  }

  /** Writers pause at a third (server then stops) and at two thirds (server then restarts). */
  private record Outage(CountDownLatch firstThird, CountDownLatch stopped, CountDownLatch secondThird,
      CountDownLatch restarted) {

    void at(int n) throws InterruptedException {
      if (n == WRITES / 3) {
        firstThird.countDown();
        stopped.await();
      } else if (n == 2 * WRITES / 3) {
        secondThird.countDown();
        restarted.await();
      }
    }
  }

  private static List<Cluster.Replica> start(Cluster cluster) {
    return start(cluster, Cluster.config());
  }

  private static List<Cluster.Replica> start(Cluster cluster, SyncConfig.Builder config) {
    List<Cluster.Replica> replicas = new ArrayList<>();
    for (String name : List.of("alpha", "beta", "gamma")) {
      Cluster.Replica r = cluster.replica(name, config);
      r.manager().start();
      replicas.add(r);
    }
    return replicas;
  }

  private static void runWriters(List<Cluster.Replica> replicas, Outage outage) throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    List<Throwable> errors = new ArrayList<>();
    for (int i = 0; i < replicas.size(); i++) {
      Cluster.Replica r = replicas.get(i);
      Random random = new Random(1000 + i);
      Thread t = new Thread(() -> {
        try {
          go.await();
          for (int n = 0; n < WRITES; n++) {
            if (outage != null) {
              outage.at(n);
            }
            String key = "k" + random.nextInt(KEYS);
            String project = random.nextInt(4) == 0 ? "tasks" : "notes";
            MutationDraft draft = random.nextInt(8) == 0 ? MutationDraft.delete(project, "doc", key)
                : MutationDraft.upsert(project, "doc", key,
                    "{\"by\":\"" + r.name() + "\",\"n\":" + n + ",\"text\":\"\\u00e9 " + key + "\"}");
            r.write(draft);
            if (random.nextInt(20) == 0) {
              Thread.yield();
            }
          }
        } catch (Throwable e) {
          synchronized (errors) {
            errors.add(e);
          }
        }
      }, "writer-" + r.name());
      t.start();
      threads.add(t);
    }
    go.countDown();
    for (Thread t : threads) {
      t.join(120_000);
    }
    assertTrue(errors.isEmpty(), () -> "writers failed: " + errors);
  }

  private static void assertConverged(Cluster cluster, List<Cluster.Replica> replicas) {
    Await.until("every replica caught up with the server", Duration.ofSeconds(90), () -> {
      List<PulledMutation> log = cluster.serverLog();
      long latest = log.isEmpty() ? 0 : log.get(log.size() - 1).seq();
      Map<String, String> expected = Cluster.fold(log);
      for (Cluster.Replica r : replicas) {
        SyncStatus s = r.manager().status();
        if (s.pendingCount() != 0 || s.lastPulledSeq() != latest || !r.documents().equals(expected)) {
          return false;
        }
      }
      return true;
    });
    List<PulledMutation> log = cluster.serverLog();
    Set<String> onServer = new HashSet<>();
    for (PulledMutation m : log) {
      assertTrue(onServer.add(m.replicaId() + "#" + m.clientSeq()), "stored twice: " + m);
    }
    Set<String> recorded = new HashSet<>();
    for (Cluster.Replica r : replicas) {
      assertEquals(0, r.rows(MutationState.QUARANTINED).size(), r.name());
      for (PendingMutation m : r.rows(MutationState.ACKED)) {
        recorded.add(r.store().replicaId() + "#" + m.seq());
      }
      assertEquals(WRITES, r.rows(MutationState.ACKED).size(), r.name() + ": every write acked");
      SyncStatus s = r.manager().status();
      assertEquals(Phase.HEALTHY, s.phase(), r.name() + ": " + s);
    }
    assertEquals(recorded, onServer, "no mutation lost, none invented");
    assertEquals(3 * WRITES, log.size());
  }
}
