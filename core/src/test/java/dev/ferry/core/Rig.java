package dev.ferry.core;

import dev.ferry.core.internal.Engine;
import dev.ferry.core.internal.ManualScheduler;
import dev.ferry.store.DocumentApplier;
import dev.ferry.store.MutationApplier;
import dev.ferry.store.MutationDraft;
import dev.ferry.store.MutationState;
import dev.ferry.store.PendingMutation;
import dev.ferry.store.StoreConfig;
import dev.ferry.store.SyncStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * One replica for unit tests: a real SQLite store in a temp dir on the manual scheduler's clock, a
 * {@link FakeServer}, and an {@link Engine} whose loop the test steps by hand (no sync thread).
 */
public final class Rig implements AutoCloseable {

  public static final String OWNER = "test-host/1/me";

  public final ManualScheduler scheduler;
  public final SyncStore store;
  public final FakeServer server;
  public final SyncConfig config;
  public final Engine engine;

  private Rig(ManualScheduler scheduler, SyncStore store, FakeServer server, SyncConfig config,
      MutationApplier applier) {
    this.scheduler = scheduler;
    this.store = store;
    this.server = server;
    this.config = config;
    this.engine = new Engine(store, server, applier, config, scheduler, config.owner().orElseThrow());
  }

  public static Rig open(Path dir) {
    return open(dir, b -> {});
  }

  public static Rig open(Path dir, Consumer<SyncConfig.Builder> tweak) {
    return open(dir, tweak, new DocumentApplier());
  }

  public static Rig open(Path dir, Consumer<SyncConfig.Builder> tweak, MutationApplier applier) {
    return open(dir, tweak, applier, Duration.ZERO);
  }

  /** A rig whose clock starts {@code startAt} after the usual epoch (to reopen a file "later"). */
  public static Rig open(Path dir, Consumer<SyncConfig.Builder> tweak, MutationApplier applier, Duration startAt) {
    return open(dir, tweak, applier, startAt, s -> {});
  }

  /** A rig whose store settings {@code storeTweak} changes. */
  public static Rig open(Path dir, Consumer<SyncConfig.Builder> tweak, Consumer<StoreConfig.Builder> storeTweak) {
    return open(dir, tweak, new DocumentApplier(), Duration.ZERO, storeTweak);
  }

  private static Rig open(Path dir, Consumer<SyncConfig.Builder> tweak, MutationApplier applier, Duration startAt,
      Consumer<StoreConfig.Builder> storeTweak) {
    ManualScheduler scheduler = new ManualScheduler();
    scheduler.advance(startAt);
    StoreConfig.Builder storeConfig = StoreConfig.builder().clock(scheduler.clock());
    storeTweak.accept(storeConfig);
    SyncStore store = SyncStore.open(dir.resolve("replica.db"), storeConfig.build());
    SyncConfig.Builder b = testConfig();
    tweak.accept(b);
    Rig rig = new Rig(scheduler, store, new FakeServer(), b.build(), applier);
    rig.engine.restore();
    return rig;
  }

  /** Test defaults: a fixed owner, no long-poll, no change watcher, no jitter. */
  public static SyncConfig.Builder testConfig() {
    return SyncConfig.builder()
        .owner(OWNER)
        .longPollWait(Duration.ZERO)
        .changeCheckInterval(Duration.ZERO)
        .backoffJitter(0)
        .random(new SplittableRandom(7));
  }

  /** Records a document write (document and mutation in one transaction); returns the seq. */
  public long write(String project, String key, String json) {
    return store.jdbi().inTransaction(h -> store.documents().put(h, MutationDraft.upsert(project, "note", key, json)));
  }

  /** Records a mutation and notifies, like a host does. */
  public long writeAndNotify(String project, String key, String json) {
    long seq = write(project, key, json);
    engine.debouncer().notifyDirty();
    return seq;
  }

  /** Runs one explicit cycle (as {@code syncNow}/{@code runOnce} do). */
  public CycleResult cycle() {
    return engine.loop().runCycle(true, true);
  }

  /** Runs one cycle as the loop would on a trigger (respects backoff). */
  public CycleResult triggered() {
    return engine.loop().runCycle(false, true);
  }

  public List<PendingMutation> rows(MutationState state) {
    return store.outbox().list(config.target(), state, 10_000);
  }

  public long pending() {
    return store.outbox().pendingCount(config.target());
  }

  public SyncStatus status() {
    return engine.status();
  }

  @Override
  public void close() {
    engine.stopAll();
    scheduler.shutdown();
    store.close();
  }
}
