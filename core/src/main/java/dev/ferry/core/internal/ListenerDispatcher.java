package dev.ferry.core.internal;

import dev.ferry.core.SyncListener;
import dev.ferry.core.SyncStatus;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls the {@link SyncListener}s, one change at a time and in order, on one daemon thread that
 * exists only while there are listeners and changes to deliver. The full status is assembled on
 * that thread (it reads the store), so neither the sync loop nor a lock holder waits for it. A
 * listener that throws (an {@code Error} too, short of a VM error) is logged and keeps its place.
 * Thread-safe.
 */
public final class ListenerDispatcher {

  private static final Logger LOG = LoggerFactory.getLogger(ListenerDispatcher.class);

  private final List<SyncListener> listeners = new CopyOnWriteArrayList<>();
  private final Function<LiveState, SyncStatus> assemble;
  private final String threadName;
  private @Nullable ExecutorService executor;
  private volatile @Nullable Thread thread;
  private boolean shutdown;

  /** @param assemble turns a live state into the full status (reads the store) */
  public ListenerDispatcher(Function<LiveState, SyncStatus> assemble, String threadName) {
    this.assemble = assemble;
    this.threadName = threadName;
  }

  public void add(SyncListener listener) {
    listeners.add(listener);
  }

  public void remove(SyncListener listener) {
    listeners.remove(listener);
  }

  /** Queues one change for delivery; a no-op without listeners or after {@link #shutdown}. */
  public void publish(LiveState state) {
    if (listeners.isEmpty()) {
      return;
    }
    ExecutorService e = executor();
    if (e == null) {
      return;
    }
    try {
      e.execute(() -> deliver(state));
    } catch (RejectedExecutionException ignored) {
      // Shut down between the check and the call: the manager is stopping.
    }
  }

  private void deliver(LiveState state) {
    SyncStatus status;
    try {
      status = assemble.apply(state);
    } catch (Throwable e) {
      Crashes.rethrowIfFatal(e);
      LOG.warn("cannot read the status for sync listeners: {}", e.toString());
      return;
    }
    for (SyncListener l : listeners) {
      try {
        l.onStatusChanged(status);
      } catch (Throwable e) {
        // An Error too: it must not cost the other listeners this change.
        Crashes.rethrowIfFatal(e);
        LOG.warn("sync listener {} failed", l, e);
      }
    }
  }

  private synchronized @Nullable ExecutorService executor() {
    if (shutdown) {
      return null;
    }
    if (executor == null) {
      ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
        Thread t = new Thread(r, threadName);
        t.setDaemon(true);
        thread = t;
        return t;
      });
      // The thread goes away when no changes come for a while, so an idle manager keeps none.
      pool.allowCoreThreadTimeOut(true);
      executor = pool;
    }
    return executor;
  }

  /** Delivers what is queued (waiting up to {@code timeoutNanos}) and refuses later changes. */
  public void shutdown(long timeoutNanos) {
    ExecutorService e;
    synchronized (this) {
      shutdown = true;
      e = executor;
    }
    if (e == null) {
      return;
    }
    e.shutdown();
    if (Thread.currentThread() == thread) {
      // Called by a listener: waiting here would wait for ourselves.
      return;
    }
    try {
      if (!e.awaitTermination(Math.max(0, timeoutNanos), TimeUnit.NANOSECONDS)) {
        e.shutdownNow();
      }
    } catch (InterruptedException ie) {
      e.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
