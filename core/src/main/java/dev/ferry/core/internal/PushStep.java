package dev.ferry.core.internal;

import dev.ferry.store.Ack;
import dev.ferry.store.CorruptRow;
import dev.ferry.store.FencedWriter;
import dev.ferry.store.PendingBatch;
import dev.ferry.store.PendingMutation;
import dev.ferry.store.SyncStore;
import dev.ferry.transport.SyncTransport;
import dev.ferry.transport.TransportException;
import dev.ferry.transport.wire.PushRequest;
import dev.ferry.transport.wire.PushResponse;
import dev.ferry.transport.wire.PushResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes a target's pending mutations in batches: each batch is read in a short read transaction,
 * sent, and its answers are written in fenced transactions (ack, quarantine, retry note).
 *
 * <ul>
 *   <li>{@code accepted} and {@code duplicate} are acked with the server's seq.
 *   <li>{@code rejected}, not retryable: that mutation alone is quarantined with the server's code.
 *   <li>{@code rejected}, retryable (e.g. {@code policy_forbidden}, {@code project_paused}): the
 *       mutation stays pending (attempts + 1) and its project is held back for the rest of the cycle;
 *       other projects go on.
 *   <li>{@code 413 too_large}: the batch is split in halves and each is sent again; a single
 *       mutation that is still too large is quarantined with code {@code too_large}.
 *   <li>Corrupt rows ({@link PendingBatch#corrupt()}) are quarantined with {@link CorruptRow#CODE}.
 *   <li>{@code rejected} with {@code replica_conflict}: the server holds another write under this
 *       file's replica id and that client seq, so the file was restored from a backup or copied.
 *       The rows stay pending, the file takes a fresh replica id ({@link
 *       FencedWriter#resetReplicaId}) and the step pushes everything pending again under it. Once
 *       per step: should the fresh id conflict too, the rows are quarantined.
 * </ul>
 *
 * The step stops at the highest seq recorded when it began: later rows belong to the follow-up
 * cycle their notify schedules, so a steady stream of writes cannot keep one cycle from pulling.
 *
 * <p>A batch's answers are sorted on the sync thread (so a held-back project is known before the
 * next batch is read), and its fenced writes run on the {@link AckLane} while the next batch is read
 * and sent: the local writes and the round trip overlap. Writes stay in batch order, the step
 * returns only after the last one finished, and a lost lease found by one ends the step as
 * before. A batch sent while the previous batch's ack finds the lease lost stays pending and is
 * answered {@code duplicate} when pushed again. Not thread-safe: one cycle at a time.
 */
public final class PushStep {

  private static final Logger LOG = LoggerFactory.getLogger(PushStep.class);

  /** The code a mutation too large even on its own is quarantined with. */
  public static final String TOO_LARGE_CODE = "too_large";

  /** The push answer code for a client seq the server holds with other content under this replica id. */
  static final String REPLICA_CONFLICT_CODE = "replica_conflict";

  /** The server's {@code error_code} for a push with more mutations than its batch cap. */
  static final String BATCH_TOO_LARGE_CODE = "batch_too_large";

  /** What the step did. */
  public static final class Outcome {
    int pushed;
    int quarantined;
    int heldBack;
    long serverLatestSeq;
    long lastLatestSeq = -1;
    @Nullable String logId;
    boolean replicaIdReset;
    boolean restart;
    final Map<String, String> heldBackProjects = new LinkedHashMap<>();

    public int pushed() {
      return pushed;
    }

    public int quarantined() {
      return quarantined;
    }

    public int heldBack() {
      return heldBack;
    }

    public long serverLatestSeq() {
      return serverLatestSeq;
    }

    /** Whether any push was answered; then {@link #lastLatestSeq()} and {@link #logId()} are its. */
    public boolean answered() {
      return lastLatestSeq >= 0;
    }

    /** The {@code latest_seq} of the last answered push. */
    public long lastLatestSeq() {
      return lastLatestSeq;
    }

    /** The {@code log_id} of the last answered push, if it carried one. */
    public @Nullable String logId() {
      return logId;
    }

    /** Whether the step took a fresh replica id after a {@code replica_conflict} answer. */
    public boolean replicaIdReset() {
      return replicaIdReset;
    }

    /** Held-back projects with the server's code and message for the first refusal of each. */
    public Map<String, String> heldBackProjects() {
      return heldBackProjects;
    }
  }

  private final SyncStore store;
  private final SyncTransport transport;
  private final String target;
  private final int batchSize;
  private final CallGuard calls;
  private final AckLane lane;

  public PushStep(SyncStore store, SyncTransport transport, String target, int batchSize, CallGuard calls) {
    this.store = store;
    this.transport = transport;
    this.target = target;
    this.batchSize = batchSize;
    this.calls = calls;
    this.lane = new AckLane("ferry-ack-" + target);
  }

  /**
   * For good, when the manager stops: acks already being written finish, a batch answered later is
   * not acked (the cycle ends as stopped; the batch stays pending and is answered {@code duplicate}
   * next time), and the ack thread ends. Thread-safe.
   */
  public void shutdown() {
    lane.shutdown();
  }

  /** Waits up to {@code nanos} for the ack thread to end after {@link #shutdown()}; whether it did. */
  public boolean awaitShutdown(long nanos) throws InterruptedException {
    return lane.awaitTermination(nanos);
  }

  /**
   * Pushes everything pending up to the highest seq recorded now.
   *
   * @param checkpoint runs before each batch; throws to stop the step
   * @param onSending runs before the first request is sent (the phase becomes {@code pushing})
   * @param onLastRead runs once the step will not read the outbox again (before the last batch is
   *     sent), so the loop can treat later notifies as new work
   * @param outcome collects the counts, also when the step throws half-way
   */
  public void run(FencedWriter writer, Runnable checkpoint, Runnable onSending, Runnable onLastRead,
      Outcome outcome) {
    try {
      batches(writer, checkpoint, onSending, onLastRead, outcome);
    } catch (RuntimeException e) {
      throw lane.settleAfter(e);
    } catch (Error e) {
      lane.settleAfter(new IllegalStateException(e));
      throw e;
    }
    lane.await();
  }

  private void batches(FencedWriter writer, Runnable checkpoint, Runnable onSending, Runnable onLastRead,
      Outcome outcome) {
    long ceiling = Long.MAX_VALUE;
    long after = 0;
    boolean announced = false;
    while (after < ceiling) {
      checkpoint.run();
      PendingBatch batch = store.outbox().pending(target, after, batchSize, outcome.heldBackProjects.keySet());
      if (!batch.corrupt().isEmpty()) {
        lane.await();
      }
      for (CorruptRow c : batch.corrupt()) {
        if (writer.quarantine(c.seq(), CorruptRow.CODE, c.reason())) {
          outcome.quarantined++;
        }
        after = Math.max(after, c.seq());
      }
      if (batch.isEmpty()) {
        if (batch.corrupt().isEmpty()) {
          onLastRead.run();
          return;
        }
        continue;
      }
      if (!announced) {
        onSending.run();
        announced = true;
      }
      boolean full = batch.size() >= batchSize;
      if (!full) {
        onLastRead.run();
      }
      if (full && ceiling == Long.MAX_VALUE) {
        // More may follow: bound the step by what is recorded now (read only when needed, so a
        // small cycle costs one read less).
        ceiling = store.outbox().highestSeq();
      }
      send(writer, batch, outcome);
      after = Math.max(after, batch.get(batch.size() - 1).seq());
      if (outcome.restart) {
        // Everything still pending goes again under the fresh replica id.
        outcome.restart = false;
        after = 0;
        continue;
      }
      if (!full) {
        // Nothing else was pending when the batch was read; later rows come with their own notify.
        return;
      }
    }
  }

  private void send(FencedWriter writer, List<PendingMutation> batch, Outcome outcome) {
    PushRequest request = new PushRequest(store.replicaId(), writer.fence().epoch(), WireMapping.toPush(batch));
    PushResponse response;
    try {
      response = calls.call(() -> transport.push(request));
    } catch (TransportException e) {
      boolean overCount = isBatchCountCap(e) && batch.size() > 1;
      if (e.kind() != TransportException.Kind.TOO_LARGE && !overCount) {
        throw e;
      }
      lane.await();
      if (batch.size() == 1) {
        long seq = batch.get(0).seq();
        LOG.warn("mutation {} of target {} is too large for the server even alone; quarantined", seq, target);
        if (writer.quarantine(seq, TOO_LARGE_CODE, e.getMessage())) {
          outcome.quarantined++;
        }
        return;
      }
      int half = batch.size() / 2;
      send(writer, batch.subList(0, half), outcome);
      send(writer, batch.subList(half, batch.size()), outcome);
      return;
    }
    outcome.serverLatestSeq = Math.max(outcome.serverLatestSeq, response.latestSeq());
    outcome.lastLatestSeq = response.latestSeq();
    outcome.logId = response.logId();
    handle(writer, batch, response, outcome);
  }

  /**
   * A server whose batch cap is below {@code pushBatchSize} answers 400 {@code batch_too_large};
   * halving the batch finds the cap instead of failing every cycle on a configuration mismatch.
   */
  private static boolean isBatchCountCap(TransportException e) {
    return e.kind() == TransportException.Kind.PROTOCOL
        && e.errorCode().filter(BATCH_TOO_LARGE_CODE::equals).isPresent();
  }

  private void handle(FencedWriter writer, List<PendingMutation> batch, PushResponse response, Outcome outcome) {
    Map<Long, PendingMutation> sent = new HashMap<>(batch.size() * 2);
    for (PendingMutation m : batch) {
      sent.put(m.seq(), m);
    }
    List<Ack> acks = new ArrayList<>(batch.size());
    List<PushResult> refused = new ArrayList<>();
    List<PushResult> conflicts = new ArrayList<>();
    Map<String, List<Long>> retry = new LinkedHashMap<>();
    for (PushResult r : response.results()) {
      PendingMutation m = sent.get(r.clientSeq());
      if (m == null) {
        // The transport checks coverage; an answer for a mutation not sent changes nothing here.
        continue;
      }
      if (r.stored()) {
        acks.add(new Ack(r.clientSeq(), r.seq()));
      } else if (r.retryable()) {
        String text = r.code() + (r.message() == null ? "" : ": " + r.message());
        retry.computeIfAbsent(text, k -> new ArrayList<>()).add(r.clientSeq());
        outcome.heldBackProjects.putIfAbsent(m.project(), text);
      } else if (REPLICA_CONFLICT_CODE.equals(r.code()) && !outcome.replicaIdReset) {
        conflicts.add(r);
      } else {
        refused.add(r);
      }
    }
    lane.submit(() -> write(writer, acks, refused, retry, outcome));
    if (!conflicts.isEmpty()) {
      lane.await();
      PushResult first = conflicts.get(0);
      writer.resetReplicaId("the server answered " + REPLICA_CONFLICT_CODE + " for " + conflicts.size()
          + " mutation(s), first client seq " + first.clientSeq() + ": it holds other writes under this file's"
          + " replica id, so the file was restored from a backup or copied");
      outcome.replicaIdReset = true;
      outcome.restart = true;
    }
  }

  /** The fenced writes for one batch's answers; runs on the ack lane. */
  private static void write(FencedWriter writer, List<Ack> acks, List<PushResult> refused,
      Map<String, List<Long>> retry, Outcome outcome) {
    if (!acks.isEmpty()) {
      outcome.pushed += writer.ack(acks);
    }
    for (PushResult r : refused) {
      String code = r.code() == null ? "rejected" : r.code();
      if (writer.quarantine(r.clientSeq(), code, r.message() == null ? code : r.message())) {
        outcome.quarantined++;
      }
    }
    for (Map.Entry<String, List<Long>> e : retry.entrySet()) {
      outcome.heldBack += writer.noteRetry(e.getValue(), e.getKey());
    }
  }
}
