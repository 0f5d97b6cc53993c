package dev.ferry.cli.internal.demo;

import dev.ferry.store.ApplyContext;
import dev.ferry.store.DocumentApplier;
import dev.ferry.store.MutationApplier;
import dev.ferry.store.RemoteMutation;
import java.util.List;

/**
 * The document applier, telling a {@link LatencyRecorder} when each remote write is applied. It
 * keeps the document applier's id, so the target is set up exactly as with the plain one.
 */
final class TimingApplier implements MutationApplier {

  private final DocumentApplier documents = new DocumentApplier();
  private final LatencyRecorder latencies;

  TimingApplier(LatencyRecorder latencies) {
    this.latencies = latencies;
  }

  @Override
  public void apply(ApplyContext context, RemoteMutation mutation) throws Exception {
    applyAll(context, List.of(mutation));
  }

  @Override
  public void applyAll(ApplyContext context, List<RemoteMutation> mutations) throws Exception {
    documents.applyAll(context, mutations);
    for (RemoteMutation m : mutations) {
      latencies.applied(m.replicaId(), m.clientSeq());
    }
  }

  @Override
  public String id() {
    return documents.id();
  }
}
