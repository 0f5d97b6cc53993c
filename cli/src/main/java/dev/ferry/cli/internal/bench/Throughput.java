package dev.ferry.cli.internal.bench;

import dev.ferry.cli.internal.embedded.Interruption;
import dev.ferry.core.CycleResult;
import dev.ferry.core.SyncConfig;
import dev.ferry.core.SyncManager;
import dev.ferry.store.DocumentApplier;
import dev.ferry.store.MutationDraft;
import dev.ferry.store.SyncStore;
import dev.ferry.transport.SyncTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Push and pull-and-apply rates: each one cycle of a manager over many mutations. */
final class Throughput {

  private static final int RECORD_TRANSACTION = 1_000;

  private Throughput() {}

  /** Records {@code n} mutations in transactions of 1,000; returns mutations per second. */
  static double record(SyncStore store, int n, int payloadBytes) {
    long t0 = System.nanoTime();
    for (int from = 0; from < n; from += RECORD_TRANSACTION) {
      Interruption.check();
      List<MutationDraft> drafts = new ArrayList<>();
      for (int i = from; i < Math.min(n, from + RECORD_TRANSACTION); i++) {
        drafts.add(Payloads.draft("k-" + i, i, payloadBytes));
      }
      store.jdbi().useTransaction(h -> store.outbox().recordAll(h, drafts));
    }
    return perSecond(n, System.nanoTime() - t0);
  }

  /**
   * Pushes everything pending in one cycle of a push-only manager sending batches of {@code batch};
   * returns mutations per second.
   *
   * @throws IllegalStateException when the cycle failed or left mutations unpushed
   */
  static double push(SyncStore store, SyncTransport transport, int batch) {
    long pending = store.outbox().pendingCount("cloud");
    SyncConfig config = quiet().pull(false).pushBatchSize(batch).build();
    try (SyncManager manager = SyncManager.create(store, transport, new DocumentApplier(), config)) {
      long t0 = System.nanoTime();
      CycleResult r = manager.runOnce();
      long nanos = System.nanoTime() - t0;
      check(r, "push");
      if (r.pushed() != pending) {
        throw new IllegalStateException("pushed " + r.pushed() + " of " + pending + " mutations");
      }
      return perSecond(r.pushed(), nanos);
    }
  }

  /**
   * Pulls everything on the server into {@code store} through the document applier in one cycle;
   * returns mutations per second.
   *
   * @throws IllegalStateException when the cycle failed or applied fewer than {@code expected}
   */
  static double pullAndApply(SyncStore store, SyncTransport transport, int expected) {
    try (SyncManager manager = SyncManager.create(store, transport, new DocumentApplier(), quiet().build())) {
      long t0 = System.nanoTime();
      CycleResult r = manager.runOnce();
      long nanos = System.nanoTime() - t0;
      check(r, "pull");
      if (r.applied() != expected) {
        throw new IllegalStateException("applied " + r.applied() + " of " + expected + " mutations");
      }
      return perSecond(r.applied(), nanos);
    }
  }

  /** A manager for one explicit cycle: no long-poll, no change check. */
  private static SyncConfig.Builder quiet() {
    return SyncConfig.builder().longPollWait(Duration.ZERO).changeCheckInterval(Duration.ZERO);
  }

  private static void check(CycleResult r, String what) {
    if (!r.succeeded()) {
      throw new IllegalStateException(what + " cycle ended " + r.outcome().wireName() + ": "
          + r.reasonCode() + " " + r.reasonMessage());
    }
  }

  static double perSecond(long count, long nanos) {
    return count * 1e9 / Math.max(1, nanos);
  }
}
