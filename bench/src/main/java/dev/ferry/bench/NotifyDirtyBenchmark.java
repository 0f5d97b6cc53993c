package dev.ferry.bench;

import dev.ferry.core.Phase;
import dev.ferry.core.SyncConfig;
import dev.ferry.core.SyncManager;
import dev.ferry.store.DocumentApplier;
import dev.ferry.store.SyncStore;
import dev.ferry.transport.HttpSyncTransport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of {@code SyncManager.notifyDirty()} to the host thread that calls it, on a started
 * manager against the embedded reference server (the sync thread runs real, coalesced cycles in
 * the background while the benchmark notifies). Run with {@code -prof gc} to see the allocation per
 * call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class NotifyDirtyBenchmark {

  private EmbeddedServer server;
  private Path dir;
  private SyncStore store;
  private HttpSyncTransport transport;
  private SyncManager manager;

  @Setup
  public void setUp() throws IOException {
    server = new EmbeddedServer("notify");
    dir = Files.createTempDirectory("ferry-notify");
    store = SyncStore.open(dir.resolve("replica.db"));
    transport = HttpSyncTransport.builder().baseUrl(server.baseUri().toString()).token(EmbeddedServer.TOKEN).build();
    manager = SyncManager.create(store, transport, new DocumentApplier(), SyncConfig.defaults());
    manager.start();
    while (manager.status().phase() != Phase.HEALTHY) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
  }

  @TearDown
  public void tearDown() throws IOException {
    manager.close();
    transport.close();
    store.close();
    server.close();
    Bench.deleteRecursively(dir);
  }

  @Benchmark
  public void notifyDirty() {
    manager.notifyDirty();
  }

  @Benchmark
  @Threads(2)
  public void notifyDirtyFromTwoThreads() {
    manager.notifyDirty();
  }

  /**
   * A manager that was never started: no sync thread allocates in the background, so {@code -prof
   * gc} shows the allocation of the call alone (the started variants also count the cycles').
   */
  @State(Scope.Benchmark)
  public static class Unstarted {
    Path dir;
    SyncStore store;
    SyncManager manager;

    @Setup
    public void setUp() throws IOException {
      dir = Files.createTempDirectory("ferry-notify-unstarted");
      store = SyncStore.open(dir.resolve("replica.db"));
      manager = SyncManager.create(store, new NoServer(), new DocumentApplier(), SyncConfig.defaults());
    }

    @TearDown
    public void tearDown() throws IOException {
      manager.close();
      store.close();
      Bench.deleteRecursively(dir);
    }
  }

  @Benchmark
  public void notifyDirtyWithoutBackgroundWork(Unstarted state) {
    state.manager.notifyDirty();
  }

  /** A transport the unstarted manager never calls. */
  private static final class NoServer implements dev.ferry.transport.SyncTransport {
    @Override
    public dev.ferry.transport.wire.PushResponse push(dev.ferry.transport.wire.PushRequest request) {
      throw new UnsupportedOperationException();
    }

    @Override
    public dev.ferry.transport.wire.PullResponse pull(long since, int limit, java.time.Duration wait) {
      throw new UnsupportedOperationException();
    }

    @Override
    public dev.ferry.transport.wire.HealthResponse health() {
      throw new UnsupportedOperationException();
    }

    @Override
    public dev.ferry.transport.wire.WhoAmIResponse whoami() {
      throw new UnsupportedOperationException();
    }

    @Override
    public void close() {}
  }
}
