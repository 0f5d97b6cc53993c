package dev.ferry.bench;

import dev.ferry.cli.internal.bench.Propagation;
import dev.ferry.cli.internal.embedded.Percentiles;
import dev.ferry.core.Phase;
import dev.ferry.core.SyncConfig;
import dev.ferry.core.SyncManager;
import dev.ferry.store.DocumentApplier;
import dev.ferry.store.SyncStore;
import dev.ferry.transport.HttpSyncTransport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A→B propagation latency through two started managers and the embedded reference server, measured
 * as {@code ferry bench} measures it ({@link Propagation}: 50 warm-up writes, then one write at a
 * time on A until B's document table holds it) with a think time of choice between writes (second
 * argument, ms, default 5 as in {@code ferry bench}; 0 writes the next as soon as B has the last).
 *
 * <p>Run: {@code ./mvnw -B -q -pl bench -am package -DskipTests && java -cp
 * "bench/target/classes:$(cat bench/target/classpath.txt)" dev.ferry.bench.PropagationProbe 300 5}
 */
public final class PropagationProbe {

  private static final int PAYLOAD_BYTES = 200;

  private PropagationProbe() {}

  public static void main(String[] args) throws Exception {
    int writes = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    Duration think = Duration.ofMillis(args.length > 1 ? Long.parseLong(args[1]) : 5);
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
      Percentiles p = Propagation.measure(a, ma, b, writes, PAYLOAD_BYTES, think);
      System.out.printf("think time %d ms: ", think.toMillis());
      System.out.printf("A→B propagation over %d writes (after 50 warm-up): p50 %.2f ms, p90 %.2f ms, p99 %.2f ms,"
          + " max %.2f ms%n", p.count(), p.millis(0.5), p.millis(0.9), p.millis(0.99), p.maxMillis());
    } finally {
      Bench.deleteRecursively(dir);
    }
  }

  private static HttpSyncTransport transport(EmbeddedServer server) {
    return HttpSyncTransport.builder().baseUrl(server.baseUri().toString()).token(EmbeddedServer.TOKEN).build();
  }
}
