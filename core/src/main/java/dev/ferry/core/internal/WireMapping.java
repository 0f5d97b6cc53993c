package dev.ferry.core.internal;

import dev.ferry.store.PendingMutation;
import dev.ferry.store.RemoteMutation;
import dev.ferry.store.UnmappableMutation;
import dev.ferry.transport.wire.PulledMutation;
import dev.ferry.transport.wire.PushMutation;
import dev.ferry.transport.wire.RawJson;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Maps the store's records to the wire's and back ({@code store} and {@code transport} do not know each other). */
public final class WireMapping {

  private WireMapping() {}

  /**
   * A pending row as a push mutation: {@code client_seq} is the local seq, the payload goes
   * verbatim, {@code created_at} is the recording time. The row is not corrupt ({@code
   * Outbox.pending} never returns corrupt rows), so its payload is valid JSON.
   */
  public static PushMutation toPush(PendingMutation m) {
    return new PushMutation(m.seq(), m.project(), m.entity(), m.entityKey(), m.op(), RawJson.of(m.payloadJson()),
        Instant.ofEpochMilli(m.createdAtMillis()));
  }

  /** A batch of pending rows as push mutations, in order. */
  public static List<PushMutation> toPush(List<PendingMutation> batch) {
    List<PushMutation> out = new ArrayList<>(batch.size());
    for (PendingMutation m : batch) {
      out.add(toPush(m));
    }
    return out;
  }

  /**
   * A pulled page in the store's terms: the mutations the store can hold, and those it cannot
   * (a blank project, entity, key, op or replica id, a negative client seq), which it quarantines
   * so the cursor still moves past them. A missing {@code created_at} reads as 0 and a missing
   * {@code accepted_at} as the creation time.
   *
   * @param mutations the mapped mutations, in page order
   * @param unmappable the others
   */
  public record Page(List<RemoteMutation> mutations, List<UnmappableMutation> unmappable) {}

  /** Maps a pulled page (see {@link Page}). */
  public static Page toRemote(List<PulledMutation> page) {
    List<RemoteMutation> out = new ArrayList<>(page.size());
    List<UnmappableMutation> bad = new ArrayList<>(0);
    for (PulledMutation m : page) {
      long created = m.createdAt() == null ? 0 : m.createdAt().toEpochMilli();
      long accepted = m.acceptedAt() == null ? created : m.acceptedAt().toEpochMilli();
      try {
        out.add(new RemoteMutation(m.seq(), m.replicaId(), m.clientSeq(), m.project(), m.entity(), m.entityKey(),
            m.op(), m.payload().json(), created, accepted));
      } catch (IllegalArgumentException e) {
        bad.add(new UnmappableMutation(m.seq(), m.replicaId(), m.clientSeq(), m.project(), m.entity(), m.entityKey(),
            m.op(), m.payload().json(), created, accepted, "the server sent an invalid mutation: " + e.getMessage()));
      }
    }
    return new Page(out, bad);
  }
}
