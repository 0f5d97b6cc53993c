package dev.ferry.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ferry.store.DocumentApplier;
import dev.ferry.store.MutationDraft;
import dev.ferry.store.StoreConfig;
import dev.ferry.store.SyncStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChangeWatcherTest {

  @TempDir Path dir;
  private final ManualScheduler scheduler = new ManualScheduler();
  private final AtomicInteger notified = new AtomicInteger();
  private volatile boolean broken;
  private final List<Set<String>> pauseChanges = new ArrayList<>();
  private SyncStore store;
  private SyncStore otherProcess;
  private ChangeWatcher watcher;

  @BeforeEach
  void open() {
    StoreConfig config = StoreConfig.builder().clock(scheduler.clock()).build();
    store = SyncStore.open(dir.resolve("app.db"), config);
    otherProcess = SyncStore.open(dir.resolve("app.db"), config);
    Pauses pauses = new Pauses(store, "cloud");
    LeaseKeeper keeper = new LeaseKeeper(store, "cloud", "me", Duration.ofSeconds(30), scheduler,
        new DocumentApplier());
    Runnable notify = () -> {
      notified.incrementAndGet();
      if (broken) {
        throw new StackOverflowError("a broken callback");
      }
    };
    watcher = new ChangeWatcher(store, "cloud", scheduler, Duration.ofMillis(250), notify,
        reasons -> {
          pauseChanges.add(reasons);
          pauses.set(reasons);
        }, pauses, keeper);
    watcher.start();
    scheduler.runDue();
  }

  @AfterEach
  void close() {
    watcher.stop();
    otherProcess.close();
    store.close();
  }

  private void recordElsewhere(String key) {
    otherProcess.jdbi().useTransaction(h -> otherProcess.documents().put(h,
        MutationDraft.upsert("notes", "note", key, "{}")));
  }

  @Test
  void anotherConnectionsMutation_isNoticedAtTheNextCheck() {
    recordElsewhere("a");
    assertEquals(0, notified.get(), "not before the check");
    scheduler.advance(Duration.ofMillis(250));
    assertEquals(1, notified.get());
    scheduler.advance(Duration.ofSeconds(5));
    assertEquals(1, notified.get(), "nothing new, nothing notified");
  }

  @Test
  void aCheckThatThrowsAnError_isLoggedAndTheChecksGoOn() {
    broken = true;
    recordElsewhere("a");
    scheduler.advance(Duration.ofMillis(250));
    assertEquals(1, notified.get());
    recordElsewhere("b");
    scheduler.advance(Duration.ofMillis(250));
    assertEquals(2, notified.get(), "the next check ran");
  }

  @Test
  void theStoresOwnWrites_doNotLookLikeOtherProcesses() {
    store.leases().acquire("cloud", "me", Duration.ofSeconds(30));
    store.targets().bindApplier("cloud", "x");
    scheduler.advance(Duration.ofSeconds(1));
    assertEquals(0, notified.get());
  }

  @Test
  void aPauseFromAnotherProcess_isTakenOver() {
    otherProcess.targets().addPauseReason("cloud", "user");
    scheduler.advance(Duration.ofMillis(250));
    assertEquals(List.of(Set.of("user")), pauseChanges);
    otherProcess.targets().removePauseReason("cloud", "user");
    scheduler.advance(Duration.ofMillis(250));
    assertEquals(List.of(Set.of("user"), Set.of()), pauseChanges);
    assertEquals(0, notified.get(), "pauses are not mutations");
  }
}
