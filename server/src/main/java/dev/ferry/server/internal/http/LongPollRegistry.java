package dev.ferry.server.internal.http;

import dev.ferry.server.CommitListener;
import dev.ferry.server.MutationLog;
import dev.ferry.server.StorageException;
import dev.ferry.server.internal.LoggedFailure;
import dev.ferry.transport.wire.PullResponse;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parked long-poll pulls. A parked request holds no thread: it waits in a per-tenant set until a
 * commit to its tenant wakes it (then it re-reads with its own grants on the poll executor and
 * answers if it now sees something), its wait ends (the scheduler answers with whatever there is),
 * or the server stops. At most {@code maxWaiters} are parked; a pull beyond that is answered at
 * once {@code 429 rate_limited} with {@code Retry-After: 1}, not with its empty page, which would
 * send the client straight back for another long-poll in a tight loop. With {@code maxWaiters} 0
 * long-polling is off and every pull is answered at once with its page. Thread-safe.
 */
final class LongPollRegistry implements CommitListener {

  private static final Logger LOG = LoggerFactory.getLogger(LongPollRegistry.class);

  /** What a parked pull asks for. */
  record Query(Principal principal, long since, int limit, long maxBytes) {}

  private final MutationLog log;
  private final int maxWaiters;
  private final ScheduledExecutorService scheduler;
  private final Executor pollExecutor;
  private final Map<String, Set<Waiter>> byTenant = new ConcurrentHashMap<>();
  private final AtomicInteger parked = new AtomicInteger();
  private volatile boolean closed;

  LongPollRegistry(
      MutationLog log, int maxWaiters, ScheduledExecutorService scheduler, Executor pollExecutor) {
    this.log = log;
    this.maxWaiters = maxWaiters;
    this.scheduler = scheduler;
    this.pollExecutor = pollExecutor;
  }

  /**
   * Parks {@code call} for up to {@code waitMillis}, or answers it at once: with {@code current}
   * when the registry is closed or long-polling is off, 429 when the registry is full.
   */
  void park(ApiCall call, Query query, long waitMillis, PullResponse current) {
    if (closed || maxWaiters == 0) {
      call.ok(current);
      return;
    }
    if (parked.incrementAndGet() > maxWaiters) {
      parked.decrementAndGet();
      call.error(
          ApiException.rateLimited(
              "too_many_long_polls",
              "the server holds " + maxWaiters + " long-polls already; retry shortly"));
      return;
    }
    Waiter w = new Waiter(call, query);
    byTenant.computeIfAbsent(query.principal().tenant(), t -> ConcurrentHashMap.newKeySet()).add(w);
    try {
      w.timeout = scheduler.schedule(() -> w.submit(w::expire), waitMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      w.expire();
      return;
    }
    // A commit between the caller's read and the registration above woke nobody: look once more.
    w.wake();
    if (closed) {
      w.expire();
    }
  }

  /** Number of pulls parked now. */
  int parked() {
    return parked.get();
  }

  @Override
  public void committed(String tenant) {
    Set<Waiter> waiters = byTenant.get(tenant);
    if (waiters != null) {
      waiters.forEach(Waiter::wake);
    }
  }

  @Override
  public void mayHaveMissedCommits() {
    byTenant.values().forEach(set -> set.forEach(Waiter::wake));
  }

  /** Refuses new parking and answers every parked pull with what it can read now. */
  void answerAll() {
    closed = true;
    byTenant.values().forEach(set -> set.forEach(w -> w.submit(w::expire)));
  }

  /** One parked pull. */
  private final class Waiter {
    private final ApiCall call;
    private final Query query;
    private final AtomicInteger wakeUps = new AtomicInteger();
    private final AtomicBoolean done = new AtomicBoolean();
    private volatile @Nullable ScheduledFuture<?> timeout;

    Waiter(ApiCall call, Query query) {
      this.call = call;
      this.query = query;
    }

    /** Asks for a re-read; wake-ups while one is queued or running fold into one more re-read. */
    void wake() {
      if (wakeUps.getAndIncrement() == 0) {
        submit(this::recheck);
      }
    }

    void submit(Runnable task) {
      try {
        pollExecutor.execute(task);
      } catch (RejectedExecutionException e) {
        task.run();
      }
    }

    private void recheck() {
      while (!done.get()) {
        int seen = wakeUps.get();
        PullResponse page = read();
        if (page == null) {
          return;
        }
        if (!page.mutations().isEmpty()) {
          finish(page);
          return;
        }
        if (wakeUps.compareAndSet(seen, 0)) {
          return;
        }
      }
    }

    /** The wait is over (or the server stops): answer with whatever there is now. */
    void expire() {
      if (done.get()) {
        return;
      }
      PullResponse page = read();
      if (page != null) {
        finish(page);
      }
    }

    private @Nullable PullResponse read() {
      Principal p = query.principal();
      try {
        return log.read(p.tenant(), p.readable(), query.since(), query.limit(), query.maxBytes());
      } catch (StorageException e) {
        LOG.warn("a parked pull could not read the log: {}", LoggedFailure.describe(e));
        if (release()) {
          call.error(
              ApiException.unavailable(
                  "storage_unavailable", "the storage is unavailable; retry later"));
        }
        return null;
      } catch (RuntimeException e) {
        LOG.error("a parked pull failed: {}", LoggedFailure.describe(e));
        if (release()) {
          call.error(ApiException.internal());
        }
        return null;
      }
    }

    private void finish(PullResponse page) {
      if (release()) {
        call.ok(page);
      }
    }

    /** Leaves the registry exactly once; true for the caller that should answer. */
    private boolean release() {
      if (!done.compareAndSet(false, true)) {
        return false;
      }
      Set<Waiter> set = byTenant.get(query.principal().tenant());
      if (set != null) {
        set.remove(this);
      }
      parked.decrementAndGet();
      ScheduledFuture<?> t = timeout;
      if (t != null) {
        t.cancel(false);
      }
      return true;
    }
  }
}
