package dev.ferry.cli.internal.bench;

import dev.ferry.cli.internal.embedded.Interruption;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * CPU used by the sync side of a replica (its {@code ferry-sync}, {@code ferry-longpoll}, {@code
 * ferry-timer}, {@code ferry-listeners}, {@code ferry-ack}, {@code ferry-release} and {@code
 * ferry-transport} threads and OkHttp's) over a window, from per-thread CPU times; the server's threads in the same JVM are not
 * counted. Also the whole process's CPU over the same window, for context.
 */
public final class IdleCpu {

  /** @param percent the replica's threads, percent of one core; @param processPercent the whole JVM */
  record Measured(double percent, double processPercent) {}

  private IdleCpu() {}

  static Measured measure(Duration window) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    if (!threads.isThreadCpuTimeSupported()) {
      throw new IllegalStateException("this JVM cannot measure per-thread CPU time");
    }
    threads.setThreadCpuTimeEnabled(true);
    java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    long processBefore = processCpu(os);
    Map<Long, Long> before = syncSideCpu(threads);
    long t0 = System.nanoTime();
    LockSupport.parkNanos(window.toNanos());
    Interruption.check();
    long wall = System.nanoTime() - t0;
    Map<Long, Long> after = syncSideCpu(threads);
    long processAfter = processCpu(os);
    long used = 0;
    for (Map.Entry<Long, Long> e : after.entrySet()) {
      used += e.getValue() - before.getOrDefault(e.getKey(), 0L);
    }
    double process = processBefore < 0 || processAfter < 0 ? -1 : 100.0 * (processAfter - processBefore) / wall;
    return new Measured(100.0 * used / wall, process);
  }

  private static long processCpu(java.lang.management.OperatingSystemMXBean os) {
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return sun.getProcessCpuTime();
    }
    return -1;
  }

  private static Map<Long, Long> syncSideCpu(ThreadMXBean threads) {
    Map<Long, Long> times = new HashMap<>();
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null && isSyncSide(info.getThreadName())) {
        long t = threads.getThreadCpuTime(info.getThreadId());
        if (t >= 0) {
          times.put(info.getThreadId(), t);
        }
      }
    }
    return times;
  }

  /** Whether a thread of this name works for a replica's sync side (also used by bench's IdleCpuProbe). */
  public static boolean isSyncSide(String name) {
    return name.startsWith("ferry-sync") || name.startsWith("ferry-longpoll") || name.startsWith("ferry-timer")
        || name.startsWith("ferry-lease") || name.startsWith("ferry-listeners") || name.startsWith("ferry-ack") || name.startsWith("ferry-release")
        || name.startsWith("ferry-transport") || name.startsWith("OkHttp");
  }
}
