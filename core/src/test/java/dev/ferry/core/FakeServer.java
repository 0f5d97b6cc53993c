package dev.ferry.core;

import dev.ferry.transport.SyncTransport;
import dev.ferry.transport.TransportException;
import dev.ferry.transport.wire.HealthResponse;
import dev.ferry.transport.wire.PullResponse;
import dev.ferry.transport.wire.PulledMutation;
import dev.ferry.transport.wire.PushMutation;
import dev.ferry.transport.wire.PushRequest;
import dev.ferry.transport.wire.PushResponse;
import dev.ferry.transport.wire.PushResult;
import dev.ferry.transport.wire.RawJson;
import dev.ferry.transport.wire.WhoAmIResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A scripted in-memory sync server behind the {@link SyncTransport} interface: it stores pushes
 * with dedupe and lease epochs like the real one and serves pull pages, and a test can make the
 * next calls fail, refuse single mutations, cap the batch size (413) or run code inside a call. A
 * long-poll blocks until something arrives, the wait ends (real time) or the calling thread is
 * interrupted (then {@code CANCELLED}, like {@code HttpSyncTransport}). Thread-safe.
 */
public final class FakeServer implements SyncTransport {

  private final List<PulledMutation> log = new ArrayList<>();
  private final Map<String, Long> dedupe = new HashMap<>();
  private final Map<String, Long> epochs = new HashMap<>();
  private final Deque<RuntimeException> pushFailures = new ArrayDeque<>();
  private final Deque<RuntimeException> pullFailures = new ArrayDeque<>();
  private final AtomicInteger pushCalls = new AtomicInteger();
  private final AtomicInteger pullCalls = new AtomicInteger();
  private final AtomicInteger longPolls = new AtomicInteger();
  private final AtomicInteger longPollsEnded = new AtomicInteger();
  private final AtomicInteger pushesInFlight = new AtomicInteger();
  private final AtomicInteger maxPushesInFlight = new AtomicInteger();
  private volatile @Nullable Function<PushMutation, @Nullable PushResult> verdict;
  private volatile @Nullable Consumer<PushRequest> onPush;
  private volatile @Nullable Runnable onLongPoll;
  private volatile boolean longPollSupported = true;
  private volatile int maxBatch = Integer.MAX_VALUE;
  private volatile int maxBatchCount = Integer.MAX_VALUE;
  private volatile boolean closed;

  public static TransportException failure(TransportException.Kind kind) {
    return new TransportException(kind, "scripted " + kind, kind == TransportException.Kind.AUTH ? 401 : 503, null,
        null, null);
  }

  public synchronized void failNextPushes(RuntimeException... failures) {
    pushFailures.addAll(List.of(failures));
  }

  public synchronized void failNextPulls(RuntimeException... failures) {
    pullFailures.addAll(List.of(failures));
  }

  /** Decides a mutation's result: null means store it as usual. */
  public void verdict(@Nullable Function<PushMutation, @Nullable PushResult> verdict) {
    this.verdict = verdict;
  }

  /** Runs inside every push, before it is answered. */
  public void onPush(@Nullable Consumer<PushRequest> hook) {
    this.onPush = hook;
  }

  /** Runs at the start of every long-poll (a pull with a wait), before it is answered. */
  public void onLongPoll(@Nullable Runnable hook) {
    this.onLongPoll = hook;
  }

  /** false: a server without long-poll, answering every pull at once whatever its wait. */
  public void longPollSupported(boolean supported) {
    this.longPollSupported = supported;
  }

  /** Pushes with more mutations are refused with 413. */
  public void maxBatch(int n) {
    this.maxBatch = n;
  }

  /** Pushes with more mutations are refused as the reference server does: 400 batch_too_large. */
  public void maxBatchCount(int n) {
    this.maxBatchCount = n;
  }

  public int pushCalls() {
    return pushCalls.get();
  }

  public int pullCalls() {
    return pullCalls.get();
  }

  public int longPolls() {
    return longPolls.get();
  }

  /** Long-polls that have returned or thrown (so the caller holds their answer). */
  public int longPollsEnded() {
    return longPollsEnded.get();
  }

  public synchronized List<PulledMutation> log() {
    return List.copyOf(log);
  }

  public synchronized long latestSeq() {
    return log.size();
  }

  /** Loses the whole log, as a server restored from an empty database: the next answers show a lower latest seq. */
  public synchronized void loseLog() {
    log.clear();
    dedupe.clear();
  }

  /** Appends a mutation as if another replica had pushed it. */
  public synchronized long appendRemote(String replicaId, String project, String entity, String key, String payloadJson) {
    long seq = log.size() + 1L;
    Instant now = Instant.ofEpochMilli(1_800_000_000_000L + seq);
    log.add(new PulledMutation(seq, replicaId, seq, project, entity, key, "upsert", RawJson.of(payloadJson), now, now));
    notifyAll();
    return seq;
  }

  @Override
  public PushResponse push(PushRequest request) {
    maxPushesInFlight.accumulateAndGet(pushesInFlight.incrementAndGet(), Math::max);
    try {
      return serve(request);
    } finally {
      pushesInFlight.decrementAndGet();
    }
  }

  /** The most push calls that were ever in progress at once. */
  public int maxPushesInFlight() {
    return maxPushesInFlight.get();
  }

  private PushResponse serve(PushRequest request) {
    pushCalls.incrementAndGet();
    checkOpen();
    Consumer<PushRequest> hook = onPush;
    if (hook != null) {
      hook.accept(request);
    }
    synchronized (this) {
      RuntimeException scripted = pushFailures.poll();
      if (scripted != null) {
        throw scripted;
      }
      if (request.mutations().size() > maxBatchCount) {
        throw new TransportException(TransportException.Kind.PROTOCOL, "400 batch too large", 400,
            "batch_too_large", null, null);
      }
      if (request.mutations().size() > maxBatch) {
        throw new TransportException(TransportException.Kind.TOO_LARGE, "413 batch too large", 413, "too_large",
            null, null);
      }
      Long seen = epochs.get(request.replicaId());
      if (seen != null && seen > request.leaseEpoch()) {
        throw new TransportException(TransportException.Kind.STALE_LEASE, "409 stale lease", 409, "stale_lease",
            null, null);
      }
      epochs.put(request.replicaId(), request.leaseEpoch());
      List<PushResult> results = new ArrayList<>();
      Function<PushMutation, PushResult> v = verdict;
      for (PushMutation m : request.mutations()) {
        String key = request.replicaId() + "/" + m.clientSeq();
        Long existing = dedupe.get(key);
        if (existing != null) {
          results.add(PushResult.duplicate(m.clientSeq(), existing));
          continue;
        }
        PushResult decided = v == null ? null : v.apply(m);
        if (decided != null) {
          results.add(decided);
          continue;
        }
        long seq = log.size() + 1L;
        log.add(new PulledMutation(seq, request.replicaId(), m.clientSeq(), m.project(), m.entity(), m.entityKey(),
            m.op(), m.payload(), m.createdAt(), Instant.ofEpochMilli(1_800_000_000_000L + seq)));
        dedupe.put(key, seq);
        results.add(PushResult.accepted(m.clientSeq(), seq));
      }
      notifyAll();
      return new PushResponse(results, log.size());
    }
  }

  @Override
  public PullResponse pull(long since, int limit, Duration wait) {
    pullCalls.incrementAndGet();
    if (wait.isZero()) {
      return answer(since, limit, wait);
    }
    longPolls.incrementAndGet();
    try {
      Runnable hook = onLongPoll;
      if (hook != null) {
        hook.run();
      }
      return answer(since, limit, wait);
    } finally {
      longPollsEnded.incrementAndGet();
    }
  }

  private PullResponse answer(long since, int limit, Duration wait) {
    checkOpen();
    synchronized (this) {
      RuntimeException scripted = pullFailures.poll();
      if (scripted != null) {
        throw scripted;
      }
      long deadline = System.nanoTime() + wait.toNanos();
      while (log.size() <= since && !wait.isZero() && longPollSupported) {
        long left = deadline - System.nanoTime();
        if (left <= 0 || closed) {
          break;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(this, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new TransportException(TransportException.Kind.CANCELLED, "pull cancelled: interrupted", null);
        }
      }
      checkOpen();
      int from = (int) Math.min(since, log.size());
      int to = Math.min(log.size(), from + limit);
      return new PullResponse(List.copyOf(log.subList(from, to)), to < log.size(), log.size());
    }
  }

  @Override
  public HealthResponse health() {
    throw new UnsupportedOperationException("not used by the sync loop");
  }

  @Override
  public WhoAmIResponse whoami() {
    throw new UnsupportedOperationException("not used by the sync loop");
  }

  private void checkOpen() {
    if (closed) {
      throw new TransportException(TransportException.Kind.CANCELLED, "closed", null);
    }
    if (Thread.currentThread().isInterrupted()) {
      throw new TransportException(TransportException.Kind.CANCELLED, "interrupted", null);
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    notifyAll();
  }
}
