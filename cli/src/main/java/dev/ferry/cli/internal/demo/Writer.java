package dev.ferry.cli.internal.demo;

import dev.ferry.cli.internal.embedded.Replica;
import dev.ferry.store.MutationDraft;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * One replica's writer: {@code count} writes, each a document and its mutation in one transaction
 * followed by {@code notifyDirty()}. 30 % go to keys every replica writes ({@code shared-N}), 10 % of
 * those are deletes; the rest update the replica's own keys. Paced to its share of the rate.
 */
final class Writer {

  private static final String PROJECT = "notes";
  private static final String ENTITY = "note";
  private static final int OWN_KEYS = 500;

  private final Replica replica;
  private final int count;
  private final DemoSettings settings;
  private final LatencyRecorder latencies;
  private final AtomicLong written;
  private final SplittableRandom random;

  Writer(Replica replica, int index, int count, DemoSettings settings, LatencyRecorder latencies, AtomicLong written) {
    this.replica = replica;
    this.count = count;
    this.settings = settings;
    this.latencies = latencies;
    this.written = written;
    this.random = new SplittableRandom(settings.seed() * 31 + index);
  }

  void run() {
    String replicaId = replica.store().replicaId();
    long intervalNanos = settings.ratePerSecond() == 0 ? 0
        : (long) (1e9 * settings.replicas() / settings.ratePerSecond());
    long next = System.nanoTime();
    for (int n = 0; n < count && !Thread.currentThread().isInterrupted(); n++) {
      if (intervalNanos > 0) {
        long wait = next - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
        next += intervalNanos;
      }
      MutationDraft draft = draft(n);
      long seq = replica.store().jdbi().inTransaction(h -> replica.store().documents().put(h, draft));
      latencies.committed(replicaId, seq);
      replica.manager().notifyDirty();
      written.incrementAndGet();
    }
  }

  private MutationDraft draft(int n) {
    if (random.nextInt(100) < 30) {
      String key = "shared-" + random.nextInt(settings.sharedKeys());
      if (random.nextInt(10) == 0) {
        return MutationDraft.delete(PROJECT, ENTITY, key);
      }
      return MutationDraft.upsert(PROJECT, ENTITY, key, payload(n));
    }
    return MutationDraft.upsert(PROJECT, ENTITY, replica.name() + "-" + random.nextInt(OWN_KEYS), payload(n));
  }

  private String payload(int n) {
    return "{\"by\":\"" + replica.name() + "\",\"n\":" + n + ",\"title\":\"note " + n + " from " + replica.name()
        + "\",\"body\":\"" + Long.toHexString(random.nextLong()) + "\"}";
  }
}
