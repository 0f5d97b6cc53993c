package dev.ferry.store;

import static dev.ferry.store.Fixtures.TARGET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A host thread writes its own table (and records mutations) in a loop while the sync side acks
 * and applies pages and a third thread reads status. With short BEGIN IMMEDIATE transactions on
 * every side, nobody sees SQLITE_BUSY with the default settings: the requirement is that no busy
 * error surfaces, not that a tighter budget is enough on a loaded machine.
 */
class ContentionTest {

  private static final int HOST_TRANSACTIONS = 1_500;
  private static final int PAGES = 40;
  private static final int PAGE_SIZE = 250;

  @TempDir Path dir;

  @Test
  void hostWritesWhileSyncAcksAndApplies_nobodySeesBusy() throws Exception {
    try (SyncStore store = SyncStore.open(dir.resolve("app.db"))) {
      store.jdbi().useHandle(h -> h.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)"));
      Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
      AtomicBoolean hostDone = new AtomicBoolean();
      AtomicInteger acked = new AtomicInteger();
      CountDownLatch start = new CountDownLatch(1);

      Thread host = thread("host", failures, () -> {
        start.await();
        for (int i = 0; i < HOST_TRANSACTIONS; i++) {
          int n = i;
          store.jdbi().useTransaction(h -> {
            h.execute("INSERT INTO notes (id, body) VALUES (?, ?)", n, "body " + n);
            store.outbox().record(h, MutationDraft.upsert("notes", "note", "local-" + n, "{\"n\":" + n + "}"));
          });
        }
        hostDone.set(true);
      });
      Thread sync = thread("sync", failures, () -> {
        FencedWriter w = store.fenced(store.leases().acquire(TARGET, "sync", Duration.ofMinutes(5)).fence(),
            new DocumentApplier());
        start.await();
        long serverSeq = 0;
        for (int page = 0; page < PAGES || !hostDone.get() || store.outbox().pendingCount(TARGET) > 0; page++) {
          List<Ack> acks = new ArrayList<>();
          for (PendingMutation m : store.outbox().pending(TARGET, 0, 200, Set.of())) {
            acks.add(new Ack(m.seq(), ++serverSeq));
          }
          acked.addAndGet(w.ack(acks));
          if (page < PAGES) {
            List<RemoteMutation> mutations = new ArrayList<>();
            for (int k = 0; k < PAGE_SIZE; k++) {
              ++serverSeq;
              mutations.add(Fixtures.remote(serverSeq, "remote-" + serverSeq, "{}"));
            }
            w.applyPage(mutations, serverSeq);
          }
        }
      });
      Thread reader = thread("status", failures, () -> {
        start.await();
        while (!hostDone.get()) {
          store.status(TARGET);
          store.outbox().highestSeq();
          store.dataVersion();
        }
      });
      start.countDown();
      for (Thread t : List.of(host, sync, reader)) {
        t.join(TimeUnit.MINUTES.toMillis(2));
        assertFalse(t.isAlive(), t.getName() + " did not finish");
      }
      assertEquals(List.of(), List.copyOf(failures));
      assertEquals(HOST_TRANSACTIONS, (int) store.jdbi().withHandle(h ->
          h.select("SELECT count(*) FROM notes").mapTo(Integer.class).one()));
      assertEquals(HOST_TRANSACTIONS, acked.get());
      assertEquals(PAGES * PAGE_SIZE, store.documents().count());
      assertEquals(PAGES * PAGE_SIZE, store.targets().state(TARGET).totalApplied());
    }
  }

  @Test
  void storeWrite_lockHeldElsewhereThroughEveryRetry_throwsStoreBusyAndReadsStillWork() throws Exception {
    StoreConfig impatient = StoreConfig.builder().busyTimeout(Duration.ofSeconds(1)).lockRetries(1).build();
    Path file = dir.resolve("app.db");
    try (SyncStore store = SyncStore.open(file, impatient);
        Connection holder = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      try (Statement s = holder.createStatement()) {
        s.execute("BEGIN IMMEDIATE");
      }
      StoreBusyException e = assertThrows(StoreBusyException.class,
          () -> store.leases().acquire(TARGET, "me", Duration.ofSeconds(10)));
      assertTrue(e.getMessage().contains("acquiring the lease of target cloud failed"), e.getMessage());
      // 2 s in all, waited in slices so an interrupt is noticed.
      assertTrue(e.getMessage().contains("8 busy timeouts of 250 ms"), e.getMessage());
      assertEquals(0, store.outbox().pendingCount(TARGET), "WAL readers are not blocked by a writer");
      try (Statement s = holder.createStatement()) {
        s.execute("ROLLBACK");
      }
      assertTrue(store.leases().acquire(TARGET, "me", Duration.ofSeconds(10)).isHeldBy("me"));
    }
  }

  @Test
  void storeWrite_waitingForALockHeldElsewhere_givesUpPromptlyWhenInterrupted() throws Exception {
    // One attempt of a whole minute: without slicing, SQLite's busy wait would ignore the interrupt.
    StoreConfig patient = StoreConfig.builder().busyTimeout(Duration.ofMinutes(1)).lockRetries(0).build();
    Path file = dir.resolve("app.db");
    try (SyncStore store = SyncStore.open(file, patient);
        Connection holder = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      try (Statement s = holder.createStatement()) {
        s.execute("BEGIN IMMEDIATE");
      }
      Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
      AtomicBoolean stillInterrupted = new AtomicBoolean();
      Thread sync = new Thread(() -> {
        try {
          store.leases().acquire(TARGET, "me", Duration.ofSeconds(10));
        } catch (Throwable e) {
          failures.add(e);
          stillInterrupted.set(Thread.currentThread().isInterrupted());
        }
      }, "sync");
      sync.start();
      sync.interrupt();
      sync.join(TimeUnit.SECONDS.toMillis(30));
      try (Statement s = holder.createStatement()) {
        s.execute("ROLLBACK");
      }
      assertFalse(sync.isAlive(), "still waiting for the lock 30 s after the interrupt");
      StoreException e = assertInstanceOf(StoreException.class, failures.poll());
      assertEquals(StoreException.Kind.INTERRUPTED, e.kind(), e.getMessage());
      assertTrue(stillInterrupted.get(), "the interrupt flag is restored");
      assertTrue(store.leases().acquire(TARGET, "me", Duration.ofSeconds(10)).isHeldBy("me"));
    }
  }

  private interface Body {
    void run() throws Exception;
  }

  private static Thread thread(String name, Queue<Throwable> failures, Body body) {
    Thread t = new Thread(() -> {
      try {
        body.run();
      } catch (Throwable e) {
        failures.add(e);
      }
    }, name);
    t.start();
    return t;
  }
}
