package dev.ferry.server.internal.http;

import dev.ferry.server.CommitListener;
import dev.ferry.server.MutationLog;
import dev.ferry.server.StorageException;
import dev.ferry.server.internal.LoggedFailure;
import dev.ferry.transport.wire.PullResponse;
import org.eclipse.jetty.io.EofException;
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
 * Parked long-poll pulls. A parked request holds no thread: it waits in its tenant's set until a
 * commit to its tenant wakes it (then it re-reads with its own grants on the poll executor and
 * answers if it now sees something), its wait ends (the scheduler answers with whatever there is),
 * its client goes away (its slot is freed at once), or the server stops.
 *
 * <p>Slots are counted per tenant: a tenant may hold at most {@code perTenant} parked pulls, and
 * all tenants together at most {@code maxWaiters}. A pull beyond either is answered at once {@code
 * 429 rate_limited} with {@code Retry-After: 1}, not with its empty page, which would send the
 * client straight back for another long-poll in a tight loop. With {@code maxWaiters} 0
 * long-polling is off and every pull is answered at once with its page. Thread-safe.
 */
final class LongPollRegistry implements CommitListener {

  private static final Logger LOG = LoggerFactory.getLogger(LongPollRegistry.class);

  /** What a parked pull asks for. */
  record Query(Principal principal, long since, int limit, long maxBytes) {}

  /** One tenant's parked pulls and their count (the count is reserved before parking). */
  private static final class Tenant {
    final Set<Waiter> waiters = ConcurrentHashMap.newKeySet();
    final AtomicInteger count = new AtomicInteger();
  }

  private final MutationLog log;
  private final int maxWaiters;
  private final int perTenant;
  private final ScheduledExecutorService scheduler;
  private final Executor pollExecutor;
  private final ServerMetrics metrics;
  private final Map<String, Tenant> byTenant = new ConcurrentHashMap<>();
  private final AtomicInteger parked = new AtomicInteger();
  private volatile boolean closed;

  LongPollRegistry(
      MutationLog log,
      int maxWaiters,
      int perTenant,
      ScheduledExecutorService scheduler,
      Executor pollExecutor,
      ServerMetrics metrics) {
    this.log = log;
    this.maxWaiters = maxWaiters;
    this.perTenant = Math.min(perTenant, maxWaiters);
    this.scheduler = scheduler;
    this.pollExecutor = pollExecutor;
    this.metrics = metrics;
  }

  /**
   * Parks {@code call} for up to {@code waitMillis}, or answers it at once: with {@code current}
   * when the registry is closed or long-polling is off, 429 when its tenant's share or the whole
   * registry is full.
   */
  void park(ApiCall call, Query query, long waitMillis, PullResponse current) {
    if (closed || maxWaiters == 0) {
      call.ok(current);
      return;
    }
    String tenantName = query.principal().tenant();
    Tenant tenant = byTenant.computeIfAbsent(tenantName, this::newTenant);
    if (tenant.count.incrementAndGet() > perTenant) {
      tenant.count.decrementAndGet();
      call.error(
          ApiException.rateLimited(
              "too_many_long_polls",
              "this tenant holds " + perTenant + " long-polls already; retry shortly"));
      return;
    }
    if (parked.incrementAndGet() > maxWaiters) {
      parked.decrementAndGet();
      tenant.count.decrementAndGet();
      call.error(
          ApiException.rateLimited(
              "too_many_long_polls",
              "the server holds " + maxWaiters + " long-polls already; retry shortly"));
      return;
    }
    Waiter w = new Waiter(call, query, tenant);
    tenant.waiters.add(w);
    call.onFailure(w::clientGone);
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

  private Tenant newTenant(String name) {
    Tenant t = new Tenant();
    metrics.parkedGauge(name, t.count::get);
    return t;
  }

  /** Number of pulls parked now. */
  int parked() {
    return parked.get();
  }

  @Override
  public void committed(String tenant) {
    Tenant t = byTenant.get(tenant);
    if (t != null) {
      t.waiters.forEach(Waiter::wake);
    }
  }

  @Override
  public void mayHaveMissedCommits() {
    byTenant.values().forEach(t -> t.waiters.forEach(Waiter::wake));
  }

  /** Refuses new parking and answers every parked pull with what it can read now. */
  void answerAll() {
    closed = true;
    byTenant.values().forEach(t -> t.waiters.forEach(w -> w.submit(w::expire)));
  }

  /** One parked pull. */
  private final class Waiter {
    private final ApiCall call;
    private final Query query;
    private final Tenant tenant;
    private final AtomicInteger wakeUps = new AtomicInteger();
    private final AtomicBoolean done = new AtomicBoolean();
    private volatile @Nullable ScheduledFuture<?> timeout;

    Waiter(ApiCall call, Query query, Tenant tenant) {
      this.call = call;
      this.query = query;
      this.tenant = tenant;
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

    /**
     * The client hung up or the connection failed: frees the slot at once and closes the
     * connection on another thread, answering nobody. Runs on Jetty's selector thread.
     */
    void clientGone() {
      if (release()) {
        submit(
            () ->
                call.abandon(
                    new EofException("the client closed the connection of a parked pull")));
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
      tenant.waiters.remove(this);
      tenant.count.decrementAndGet();
      parked.decrementAndGet();
      ScheduledFuture<?> t = timeout;
      if (t != null) {
        t.cancel(false);
      }
      return true;
    }
  }
}
