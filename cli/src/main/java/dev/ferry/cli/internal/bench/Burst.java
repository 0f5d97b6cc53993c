package dev.ferry.cli.internal.bench;

import dev.ferry.cli.internal.embedded.Interruption;
import dev.ferry.core.SyncManager;
import dev.ferry.store.SyncStore;
import dev.ferry.transport.SyncTransport;
import dev.ferry.transport.wire.HealthResponse;
import dev.ferry.transport.wire.PullResponse;
import dev.ferry.transport.wire.PushRequest;
import dev.ferry.transport.wire.PushResponse;
import dev.ferry.transport.wire.WhoAmIResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * How a burst leaves a started manager: {@link #WRITES} writes, each in its own transaction and
 * notified after its commit, as fast as one thread makes them; counted are the push requests until
 * every one is acked. Without any waiting for writes to pause, batches form because at most one push
 * is in flight: what is written during one round trip leaves in the next.
 */
public final class Burst {

  /** The writes in one burst. */
  public static final int WRITES = 1_000;

  private static final long POLL_NANOS = 100_000;
  private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);

  /**
   * @param pushes push requests the burst took
   * @param writeMillis how long writing the burst took
   * @param ackedMillis from the first write until every write was acked
   */
  public record Measured(int pushes, double writeMillis, double ackedMillis) {
    public Measured {
      if (pushes < 0 || writeMillis < 0 || ackedMillis < writeMillis) {
        throw new IllegalArgumentException("a burst's pushes and times must not be negative, nor acked before written");
      }
    }
  }

  private Burst() {}

  /**
   * @param counting the manager's transport, counting its pushes
   * @throws IllegalStateException when the burst is not acked within 30 s
   */
  static Measured measure(SyncStore a, SyncManager manager, Counting counting, int payloadBytes) {
    int before = counting.pushes();
    long t0 = System.nanoTime();
    for (int i = 0; i < WRITES; i++) {
      String key = "burst-" + i;
      int n = i;
      a.jdbi().useTransaction(h -> a.documents().put(h, Payloads.draft(key, n, payloadBytes)));
      manager.notifyDirty();
    }
    long written = System.nanoTime();
    while (a.outbox().pendingCount("cloud") > 0) {
      Interruption.check();
      if (System.nanoTime() - t0 > TIMEOUT_NANOS) {
        throw new IllegalStateException("a burst of " + WRITES + " writes was not acked within 30 s");
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
    long acked = System.nanoTime();
    return new Measured(counting.pushes() - before, (written - t0) / 1e6, (acked - t0) / 1e6);
  }

  /** A transport that counts push requests and otherwise passes everything on. */
  static final class Counting implements SyncTransport {
    private final SyncTransport delegate;
    private final AtomicInteger pushes = new AtomicInteger();

    Counting(SyncTransport delegate) {
      this.delegate = delegate;
    }

    int pushes() {
      return pushes.get();
    }

    @Override
    public PushResponse push(PushRequest request) {
      pushes.incrementAndGet();
      return delegate.push(request);
    }

    @Override
    public PullResponse pull(long since, int limit, Duration wait) {
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

    /** The delegate is closed by its owner. */
    @Override
    public void close() {}
  }
}
