package dev.ferry.cli.internal.demo;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers when each write committed ({@code replica_id}, {@code client_seq}) and records, when
 * another replica applies it, how long that took. Thread-safe; time is {@link System#nanoTime()},
 * which all replicas share because they run in one JVM.
 */
final class LatencyRecorder {

  private final ConcurrentHashMap<String, Long> committedAt = new ConcurrentHashMap<>();
  private long[] micros = new long[1024];
  private int count;

  /** Notes that {@code replicaId}'s write {@code clientSeq} committed just now. */
  void committed(String replicaId, long clientSeq) {
    committedAt.put(replicaId + ":" + clientSeq, System.nanoTime());
  }

  /** Records the latency of a write applied just now, if its commit was noted. */
  void applied(String replicaId, long clientSeq) {
    Long at = committedAt.get(replicaId + ":" + clientSeq);
    if (at != null) {
      add((System.nanoTime() - at) / 1_000);
    }
  }

  private synchronized void add(long sampleMicros) {
    if (count == micros.length) {
      micros = Arrays.copyOf(micros, count * 2);
    }
    micros[count++] = sampleMicros;
  }

  /** The samples so far, in microseconds. */
  synchronized long[] samples() {
    return Arrays.copyOf(micros, count);
  }
}
