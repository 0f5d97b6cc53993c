package dev.ferry.bench;

import dev.ferry.cli.internal.bench.IdleCpu;
import dev.ferry.core.Phase;
import dev.ferry.core.SyncConfig;
import dev.ferry.core.SyncManager;
import dev.ferry.store.DocumentApplier;
import dev.ferry.store.SyncStore;
import dev.ferry.transport.HttpSyncTransport;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Measures the CPU an idle, started {@link SyncManager} uses with long-poll on: one replica against
 * the embedded reference server in the same JVM, nothing written. After a settling period it
 * samples, over the measuring window, the CPU time of every thread (ThreadMXBean) and of the whole
 * process, and prints the sync threads' share of one core (the threads {@code ferry bench} counts,
 * {@link IdleCpu#isSyncSide}) with every busy thread's own CPU time.
 *
 * <p>Run: {@code ./mvnw -B -q -pl bench -am package -DskipTests && java -cp
 * "bench/target/classes:$(cat bench/target/classpath.txt)" dev.ferry.bench.IdleCpuProbe 60}
 * (argument: seconds to measure, default 60).
 */
public final class IdleCpuProbe {

  private IdleCpuProbe() {}

  public static void main(String[] args) throws Exception {
    long seconds = args.length > 0 ? Long.parseLong(args[0]) : 60;
    Path dir = Files.createTempDirectory("ferry-idle");
    try (EmbeddedServer server = new EmbeddedServer("idle");
        SyncStore store = SyncStore.open(dir.resolve("replica.db"));
        HttpSyncTransport transport =
            HttpSyncTransport.builder().baseUrl(server.baseUri().toString()).token(EmbeddedServer.TOKEN).build();
        SyncManager manager = SyncManager.create(store, transport, new DocumentApplier(), SyncConfig.defaults())) {
      manager.start();
      while (manager.status().phase() != Phase.HEALTHY || server.parkedPulls() == 0) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
      }
      // Let JIT compilation and class loading of the start-up settle.
      LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(5));
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      com.sun.management.OperatingSystemMXBean os =
          (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      Map<Long, String> names = new HashMap<>();
      Map<Long, Long> before = cpu(threads, names);
      long processBefore = os.getProcessCpuTime();
      long t0 = System.nanoTime();
      LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(seconds));
      long wall = System.nanoTime() - t0;
      long processCpu = os.getProcessCpuTime() - processBefore;
      Map<Long, Long> after = cpu(threads, names);

      Map<String, Long> byThread = new TreeMap<>();
      long sync = 0;
      long all = 0;
      for (Map.Entry<Long, Long> e : after.entrySet()) {
        long used = e.getValue() - before.getOrDefault(e.getKey(), 0L);
        String name = names.get(e.getKey());
        all += used;
        if (used > 0) {
          byThread.merge(name, used, Long::sum);
        }
        if (IdleCpu.isSyncSide(name)) {
          sync += used;
        }
      }
      System.out.printf("idle for %s with long-poll on; phase %s, %d long-poll(s) parked on the server%n",
          Duration.ofNanos(wall), manager.status().phase().wireName(), server.parkedPulls());
      System.out.printf("sync-side threads (ferry-*, OkHttp): %.3f ms CPU = %.4f %% of one core%n", sync / 1e6,
          100.0 * sync / wall);
      System.out.printf("all threads: %.3f ms = %.4f %%; whole process (incl. server, GC, JIT): %.3f ms = %.4f %%%n",
          all / 1e6, 100.0 * all / wall, processCpu / 1e6, 100.0 * processCpu / wall);
      System.out.println("threads that used CPU (µs):");
      byThread.forEach((name, ns) -> System.out.printf("  %-40s %10.1f%n", name, ns / 1e3));
    } finally {
      Bench.deleteRecursively(dir);
    }
  }

  private static Map<Long, Long> cpu(ThreadMXBean threads, Map<Long, String> names) {
    Map<Long, Long> times = new HashMap<>();
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info == null) {
        continue;
      }
      long t = threads.getThreadCpuTime(info.getThreadId());
      if (t >= 0) {
        times.put(info.getThreadId(), t);
        names.put(info.getThreadId(), info.getThreadName());
      }
    }
    return times;
  }
}
