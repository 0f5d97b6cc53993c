package dev.ferry.core;

import dev.ferry.core.internal.ManualScheduler;
import dev.ferry.store.DocumentApplier;
import dev.ferry.store.MutationApplier;
import dev.ferry.store.MutationDraft;
import dev.ferry.store.StoreConfig;
import dev.ferry.store.SyncStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the manager tests share: managers with their real threads on a manual scheduler (timers and
 * clock move only when the test says), the scripted server, a real SQLite file; everything closed
 * after each test, managers first.
 */
abstract class ManagerFixture {

  @TempDir Path dir;
  final ManualScheduler scheduler = new ManualScheduler();
  final FakeServer server = new FakeServer();
  final List<AutoCloseable> toClose = new ArrayList<>();
  SyncStore store;

  @BeforeEach
  void openStore() {
    store = newStore();
  }

  /** Another connection set to the same file, closed after the test. */
  SyncStore newStore() {
    SyncStore s = SyncStore.open(dir.resolve("app.db"), StoreConfig.builder().clock(scheduler.clock()).build());
    toClose.add(s);
    return s;
  }

  @AfterEach
  void closeAll() throws Exception {
    // Managers were put first, stores in opening order after them.
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  SyncManager manager(SyncConfig.Builder config) {
    return manager(store, config);
  }

  SyncManager manager(SyncStore s, SyncConfig.Builder config) {
    return manager(s, new DocumentApplier(), config);
  }

  SyncManager manager(SyncStore s, MutationApplier applier, SyncConfig.Builder config) {
    SyncManager m = SyncManager.create(s, server, applier, config.build(), scheduler.fork());
    toClose.add(0, m);
    return m;
  }

  static long write(SyncStore s, String key) {
    return s.jdbi().inTransaction(h -> s.documents().put(h, MutationDraft.upsert("notes", "note", key, "{}")));
  }

  static boolean threadAlive(String name) {
    return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
  }
}
