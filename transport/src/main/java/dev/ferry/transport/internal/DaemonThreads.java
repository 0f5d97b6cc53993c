package dev.ferry.transport.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The executor behind one transport's OkHttp dispatcher and token refreshes.
 *
 * <p>Daemon threads, so an application that forgets to close a transport can still exit; idle
 * threads die after a minute, so an idle replica costs no threads.
 */
public final class DaemonThreads {

  private DaemonThreads() {}

  /** A cached pool of daemon threads named {@code <prefix>-<n>}. */
  public static ExecutorService newCachedPool(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return new ThreadPoolExecutor(
        0,
        Integer.MAX_VALUE,
        60,
        TimeUnit.SECONDS,
        new SynchronousQueue<>(),
        runnable -> {
          Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
  }
}
