package dev.ferry.cli.internal.bench;

import dev.ferry.cli.internal.embedded.Interruption;
import dev.ferry.cli.internal.embedded.Percentiles;
import dev.ferry.store.SyncStore;
import dev.ferry.core.SyncManager;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A→B propagation of single writes between two started managers: replica A writes a document and
 * notifies; the time until replica B's document table holds it is one sample. One write at a time,
 * the next 5 ms after B had the last (an application writing now and then, not a burst); B is
 * polled every 0.1 ms.
 */
public final class Propagation {

  private static final int WARM_UP = 50;
  /** The pause between B having one write and A writing the next in {@code ferry bench}. */
  public static final Duration THINK_TIME = Duration.ofMillis(5);

  private static final long POLL_NANOS = 100_000;
  private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);

  private Propagation() {}

  /**
   * @throws IllegalStateException when a write does not reach B within 30 s
   */
  static Percentiles measure(SyncStore a, SyncManager managerA, SyncStore b, int writes, int payloadBytes) {
    return measure(a, managerA, b, writes, payloadBytes, THINK_TIME);
  }

  /**
   * Like {@code ferry bench} with another think time (0: the next write as soon as B has the last);
   * for bench's PropagationProbe.
   *
   * @throws IllegalStateException when a write does not reach B within 30 s
   */
  public static Percentiles measure(SyncStore a, SyncManager managerA, SyncStore b, int writes, int payloadBytes,
      Duration thinkTime) {
    long[] micros = new long[writes];
    for (int i = -WARM_UP; i < writes; i++) {
      String key = "latency-" + (i + WARM_UP);
      int n = i + WARM_UP;
      long t0 = System.nanoTime();
      a.jdbi().useTransaction(h -> a.documents().put(h, Payloads.draft(key, n, payloadBytes)));
      managerA.notifyDirty();
      while (b.documents().get(Payloads.PROJECT, Payloads.ENTITY, key).isEmpty()) {
        Interruption.check();
        if (System.nanoTime() - t0 > TIMEOUT_NANOS) {
          throw new IllegalStateException("write " + key + " did not reach replica B within 30 s");
        }
        LockSupport.parkNanos(POLL_NANOS);
      }
      if (i >= 0) {
        micros[i] = (System.nanoTime() - t0) / 1_000;
      }
      if (!thinkTime.isZero()) {
        LockSupport.parkNanos(thinkTime.toNanos());
      }
    }
    return new Percentiles(micros);
  }
}
