package dev.ferry.server.internal.http;

import dev.ferry.server.AppendResult;
import dev.ferry.server.CommitListener;
import dev.ferry.server.MutationLog;
import dev.ferry.server.ProjectSet;
import dev.ferry.transport.wire.PullResponse;
import dev.ferry.transport.wire.PushMutation;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The log as the endpoints see it: every append timed, and the mutations it newly stored counted,
 * in {@link ServerMetrics}. Everything else goes straight through.
 */
final class MeteredLog implements MutationLog {

  private final MutationLog log;
  private final ServerMetrics metrics;

  MeteredLog(MutationLog log, ServerMetrics metrics) {
    this.log = log;
    this.metrics = metrics;
  }

  @Override
  public AppendResult append(
      String tenant,
      String principal,
      String replicaId,
      long leaseEpoch,
      List<PushMutation> mutations,
      Instant at) {
    long start = System.nanoTime();
    AppendResult result = log.append(tenant, principal, replicaId, leaseEpoch, mutations, at);
    int stored = 0;
    if (result instanceof AppendResult.Appended appended) {
      for (AppendResult.Entry e : appended.entries()) {
        if (!e.duplicate() && !e.conflict()) {
          stored++;
        }
      }
    }
    metrics.appended(stored, System.nanoTime() - start);
    return result;
  }

  @Override
  public PullResponse read(String tenant, ProjectSet readable, long since, int limit) {
    return log.read(tenant, readable, since, limit);
  }

  @Override
  public PullResponse read(
      String tenant, ProjectSet readable, long since, int limit, long maxBytes) {
    return log.read(tenant, readable, since, limit, maxBytes);
  }

  @Override
  public Map<Long, AppendResult.Entry> findStored(
      String tenant, String principal, String replicaId, List<PushMutation> mutations) {
    return log.findStored(tenant, principal, replicaId, mutations);
  }

  @Override
  public @Nullable String logId(String tenant) {
    return log.logId(tenant);
  }

  @Override
  public void addCommitListener(CommitListener listener) {
    log.addCommitListener(listener);
  }

  @Override
  public String describe() {
    return log.describe();
  }

  @Override
  public void close() {
    log.close();
  }
}
