package dev.ferry.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.store.DocumentApplier;
import dev.ferry.store.MutationDraft;
import dev.ferry.store.MutationState;
import dev.ferry.store.PendingMutation;
import dev.ferry.store.SyncStore;
import dev.ferry.transport.SyncTransport;
import dev.ferry.transport.wire.HealthResponse;
import dev.ferry.transport.wire.PullResponse;
import dev.ferry.transport.wire.PulledMutation;
import dev.ferry.transport.wire.PushRequest;
import dev.ferry.transport.wire.PushResponse;
import dev.ferry.transport.wire.WhoAmIResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two JVMs on one database file against the reference server: only the lease holder talks to the
 * server; the other process's writes reach the server through the holder (its change watcher)
 * within a second; SIGKILL of the holder hands the lease over right after its TTL, and nothing is
 * lost or stored twice.
 */
class SyncManagerTwoProcessTest {

  private static final long TTL_MS = 3_000;

  @TempDir Path dir;

  /** Counts the calls this process makes to the server. */
  private static final class Counting implements SyncTransport {
    final SyncTransport delegate;
    final AtomicInteger calls = new AtomicInteger();

    Counting(SyncTransport delegate) {
      this.delegate = delegate;
    }

    @Override
    public PushResponse push(PushRequest request) {
      calls.incrementAndGet();
      return delegate.push(request);
    }

    @Override
    public PullResponse pull(long since, int limit, Duration wait) {
      calls.incrementAndGet();
      return delegate.pull(since, limit, wait);
    }

    @Override
    public HealthResponse health() {
      return delegate.health();
    }

    @Override
    public WhoAmIResponse whoami() {
      return delegate.whoami();
    }

    @Override
    public void close() {
      delegate.close();
    }
  }

  @Test
  void twoJvms_onlyTheHolderSyncs_othersWritesArriveAndSigkillHandsTheLeaseOver() throws Exception {
    try (Cluster cluster = new Cluster(dir)) {
      Path db = dir.resolve("shared.db");
      SyncStore.open(db).close();
      Process holder = Jvm.start(HolderMain.class, dir, "holder", db.toString(), cluster.baseUri().toString(),
          Long.toString(TTL_MS));
      try {
        awaitOutput(holder, "HOLDING");
        try (SyncStore store = SyncStore.open(db);
            Counting transport = new Counting(cluster.transport());
            SyncManager waiter = SyncManager.create(store, transport, new DocumentApplier(),
                Cluster.config().owner("waiter-jvm").leaseTtl(Duration.ofMillis(TTL_MS)).build())) {
          waiter.start();
          Await.until("the waiter sees the holder", () -> {
            SyncStatus s = waiter.status();
            return s.reasonCode() == ReasonCode.LEASE_HELD_ELSEWHERE && s.lease().owner().startsWith("holder-jvm/");
          });
          assertEquals(Phase.IDLE, waiter.status().phase());

          List<Long> latenciesMs = new ArrayList<>();
          for (int i = 0; i < 20; i++) {
            String key = "waiter-" + i;
            long seq = store.jdbi().inTransaction(h -> store.documents().put(h, MutationDraft.upsert("notes", "doc",
                key, "{}")));
            waiter.notifyDirty();
            long t0 = System.nanoTime();
            Await.until("write " + seq + " on the server", () -> onServer(cluster, store).contains(seq));
            latenciesMs.add((System.nanoTime() - t0) / 1_000_000);
          }
          assertEquals(0, transport.calls.get(), "the waiter never talked to the server");
          Collections.sort(latenciesMs);
          long median = latenciesMs.get(latenciesMs.size() / 2);
          long p90 = latenciesMs.get((int) Math.ceil(latenciesMs.size() * 0.9) - 1);
          long max = latenciesMs.get(latenciesMs.size() - 1);
          System.out.println("other process's writes reached the server after: median " + median + " ms, p90 " + p90
              + " ms, max " + max + " ms");
          // The issue: within a second. Measured here: p90 50-350 ms (at most the holder's 250 ms
          // change check); the max gets a generous margin for a loaded machine.
          assertTrue(p90 < 1_000, "p90 " + p90 + " ms, all: " + latenciesMs);
          assertTrue(max < 2_000, "max " + max + " ms, all: " + latenciesMs);

          long killedAt = System.nanoTime();
          holder.destroyForcibly().waitFor();
          Await.until("the waiter takes over", () -> waiter.status().leaseHeldByMe());
          long takeoverMs = (System.nanoTime() - killedAt) / 1_000_000;
          System.out.println("lease taken over " + takeoverMs + " ms after SIGKILL (TTL " + TTL_MS + " ms)");
          assertTrue(takeoverMs < 1_000, "taken over after " + takeoverMs + " ms: the holder's file lock tells at once");

          Await.until("everything pushed", () -> store.outbox().pendingCount("cloud") == 0);
          Await.until("the new holder talks to the server", () -> transport.calls.get() > 0);
          Set<Long> recorded = new HashSet<>();
          for (PendingMutation m : store.outbox().list("cloud", MutationState.ACKED, 1_000_000)) {
            recorded.add(m.seq());
          }
          List<Long> pushed = new ArrayList<>();
          for (PulledMutation m : cluster.serverLog()) {
            pushed.add(m.clientSeq());
          }
          assertEquals(pushed.size(), new HashSet<>(pushed).size(), "none stored twice");
          assertEquals(recorded, new HashSet<>(pushed), "none lost");
          assertTrue(recorded.size() > 20, "the holder wrote too: " + recorded.size());
        }
      } finally {
        holder.destroyForcibly();
      }
    }
  }

  @Test
  void sigkillOfTheHolder_withAMinuteLongLease_isNoticedThroughItsFileLockWithinASecond() throws Exception {
    try (Cluster cluster = new Cluster(dir)) {
      Path db = dir.resolve("shared.db");
      SyncStore.open(db).close();
      long ttlMs = 60_000;
      Process holder = Jvm.start(HolderMain.class, dir, "holder", db.toString(), cluster.baseUri().toString(),
          Long.toString(ttlMs));
      try {
        awaitOutput(holder, "HOLDING");
        try (SyncStore store = SyncStore.open(db);
            SyncManager waiter = SyncManager.create(store, cluster.transport(), new DocumentApplier(),
                Cluster.config().owner("waiter-jvm").leaseTtl(Duration.ofMillis(ttlMs)).build())) {
          waiter.start();
          Await.until("the waiter sees the holder", () -> waiter.status().reasonCode() == ReasonCode.LEASE_HELD_ELSEWHERE);
          long epochBefore = waiter.status().lease().epoch();
          // A live holder's lock is never mistaken for a dead one, through several of the waiter's checks.
          Await.holds("the waiter keeps waiting while the holder lives", Duration.ofMillis(500),
              () -> !waiter.status().leaseHeldByMe());

          long killedAt = System.nanoTime();
          holder.destroyForcibly().waitFor();
          Await.until("the waiter takes over", () -> waiter.status().leaseHeldByMe());
          long takeoverMs = (System.nanoTime() - killedAt) / 1_000_000;
          System.out.println("lease taken over " + takeoverMs + " ms after SIGKILL (TTL " + ttlMs + " ms)");
          assertTrue(takeoverMs < 1_000, "taken over " + takeoverMs + " ms after SIGKILL with a " + ttlMs + " ms TTL");
          assertTrue(waiter.status().lease().epoch() > epochBefore, "the fencing epoch rises as usual");
          Await.until("the holder's writes are pushed by the new holder", () -> store.outbox().pendingCount("cloud") == 0);
        }
      } finally {
        holder.destroyForcibly();
      }
    }
  }

  private static Set<Long> onServer(Cluster cluster, SyncStore store) {
    Set<Long> seqs = new HashSet<>();
    for (PulledMutation m : cluster.serverLog()) {
      if (m.replicaId().equals(store.replicaId())) {
        seqs.add(m.clientSeq());
      }
    }
    return seqs;
  }

  private void awaitOutput(Process p, String line) {
    Await.until("the holder to print " + line, Duration.ofSeconds(90), () -> {
      if (!p.isAlive()) {
        throw new AssertionError("the holder exited: " + read("holder.err"));
      }
      return read("holder.out").contains(line);
    });
  }

  private String read(String file) {
    try {
      Path p = dir.resolve(file);
      return Files.exists(p) ? Files.readString(p) : "";
    } catch (IOException e) {
      return "";
    }
  }
}
