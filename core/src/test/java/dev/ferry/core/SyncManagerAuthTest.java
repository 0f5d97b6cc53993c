package dev.ferry.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ferry.store.DocumentApplier;
import dev.ferry.store.MutationDraft;
import dev.ferry.store.SyncStore;
import dev.ferry.transport.HttpSyncTransport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A refused token: refreshed once before {@code auth_required} is reported (real server, real transport). */
class SyncManagerAuthTest {

  @TempDir Path dir;

  /** A provider like a real one: a cached token, replaced by a fresh one when refreshed. */
  private CycleResult cycleWith(Cluster cluster, String stale, String fresh, AtomicInteger refreshes) {
    String[] cached = {stale};
    try (SyncStore store = SyncStore.open(dir.resolve(fresh.hashCode() + ".db"));
        HttpSyncTransport transport = HttpSyncTransport.builder().baseUrl(cluster.baseUri().toString())
            .tokenProvider(refresh -> {
              if (refresh) {
                refreshes.incrementAndGet();
                cached[0] = fresh;
              }
              return cached[0];
            }).build();
        SyncManager m = SyncManager.create(store, transport, new DocumentApplier(), SyncConfig.builder().build())) {
      store.jdbi().useTransaction(h -> store.documents().put(h, MutationDraft.upsert("notes", "doc", "a", "{}")));
      return m.runOnce();
    }
  }

  @Test
  void refusedToken_isRefreshedOnceAndTheCycleSucceeds() {
    try (Cluster cluster = new Cluster(dir)) {
      AtomicInteger refreshes = new AtomicInteger();
      CycleResult r = cycleWith(cluster, "expired-token-0123456789", Cluster.TOKEN, refreshes);
      assertEquals(CycleResult.Outcome.SUCCESS, r.outcome());
      assertEquals(1, r.pushed());
      assertEquals(1, refreshes.get());
    }
  }

  @Test
  void refusedTokenAfterTheRefresh_isAuthRequiredAndWaitsTheMaximumBackoff() {
    try (Cluster cluster = new Cluster(dir)) {
      AtomicInteger refreshes = new AtomicInteger();
      CycleResult r = cycleWith(cluster, "expired-token-0123456789", "revoked-token-0123456789", refreshes);
      assertEquals(CycleResult.Outcome.FAILED, r.outcome());
      assertEquals(ReasonCode.AUTH_REQUIRED, r.reasonCode());
      assertEquals(1, refreshes.get(), "asked once for a fresh token");
      Duration wait = Duration.between(java.time.Instant.now(), r.backoffUntil());
      assertEquals(true, wait.compareTo(Duration.ofMinutes(3)) > 0, "the maximum backoff (5 min ± 25 %): " + wait);
    }
  }
}
