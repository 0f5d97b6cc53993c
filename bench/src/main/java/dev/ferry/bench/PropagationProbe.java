package dev.ferry.bench;

import dev.ferry.core.Phase;
import dev.ferry.core.SyncConfig;
import dev.ferry.core.SyncManager;
import dev.ferry.store.DocumentApplier;
import dev.ferry.store.MutationDraft;
import dev.ferry.store.SyncStore;
import dev.ferry.transport.HttpSyncTransport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A→B propagation latency through two started managers and the embedded reference server: replica
 * A records a document and notifies; the time until replica B's store holds it is measured, one
 * write at a time, the next after a think time (second argument, ms, default 5; 0 writes the next
 * as soon as B has the last). The reader polls B's document table every 0.2 ms.
 *
 * <p>Run: {@code ./mvnw -B -q -pl bench -am package -DskipTests && java -cp
 * "bench/target/classes:$(cat bench/target/classpath.txt)" dev.ferry.bench.PropagationProbe 300 5}
 */
public final class PropagationProbe {

  private PropagationProbe() {}

  public static void main(String[] args) throws Exception {
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
    int writes = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    long thinkNanos = TimeUnit.MILLISECONDS.toNanos(args.length > 1 ? Long.parseLong(args[1]) : 5);
    Path dir = Files.createTempDirectory("ferry-propagation");
    try (EmbeddedServer server = new EmbeddedServer("propagation");
        SyncStore a = SyncStore.open(dir.resolve("a.db"));
        SyncStore b = SyncStore.open(dir.resolve("b.db"));
        HttpSyncTransport ta = transport(server);
        HttpSyncTransport tb = transport(server);
        SyncManager ma = SyncManager.create(a, ta, new DocumentApplier(), SyncConfig.defaults());
        SyncManager mb = SyncManager.create(b, tb, new DocumentApplier(), SyncConfig.defaults())) {
      ma.start();
      mb.start();
      while (ma.status().phase() != Phase.HEALTHY || mb.status().phase() != Phase.HEALTHY
          || server.parkedPulls() < 2) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
      }
      long[] micros = new long[writes];
      for (int i = -50; i < writes; i++) {
        String key = "k" + (i + 50);
        long t0 = System.nanoTime();
        a.jdbi().useTransaction(h -> a.documents().put(h, MutationDraft.upsert("notes", "note", key, "{\"v\":1}")));
        ma.notifyDirty();
        while (b.documents().get("notes", "note", key).isEmpty()) {
          LockSupport.parkNanos(200_000);
        }
        if (i >= 0) {
          micros[i] = (System.nanoTime() - t0) / 1_000;
        }
        if (thinkNanos > 0) {
          LockSupport.parkNanos(thinkNanos);
        }
      }
      Arrays.sort(micros);
      System.out.printf("think time %d ms: ", TimeUnit.NANOSECONDS.toMillis(thinkNanos));
      System.out.printf("A→B propagation over %d writes (after 50 warm-up): p50 %.2f ms, p90 %.2f ms, p99 %.2f ms,"
          + " max %.2f ms%n", writes, micros[writes / 2] / 1e3, micros[writes * 9 / 10] / 1e3,
          micros[writes * 99 / 100] / 1e3, micros[writes - 1] / 1e3);
    } finally {
      Bench.deleteRecursively(dir);
    }
  }

  private static HttpSyncTransport transport(EmbeddedServer server) {
    return HttpSyncTransport.builder().baseUrl(server.baseUri().toString()).token(EmbeddedServer.TOKEN).build();
  }
}
