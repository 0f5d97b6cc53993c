package dev.ferry.transport.wire;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Body of {@code POST /v1/push}.
 *
 * @param replicaId the pushing replica's id (a UUID string), not blank
 * @param leaseEpoch the fencing epoch of the lease the pusher holds, not negative
 * @param mutations the batch, in client_seq order, client_seq values distinct
 */
public record PushRequest(String replicaId, @JsonProperty(required = true) long leaseEpoch, List<PushMutation> mutations) {

  public PushRequest {
    Objects.requireNonNull(replicaId, "replica_id");
    if (replicaId.isBlank()) {
      throw new IllegalArgumentException("replica_id must not be blank");
    }
    if (leaseEpoch < 0) {
      throw new IllegalArgumentException("lease_epoch must not be negative, was " + leaseEpoch);
    }
    mutations = List.copyOf(Objects.requireNonNull(mutations, "mutations"));
    Set<Long> seen = new HashSet<>(mutations.size() * 2);
    for (PushMutation m : mutations) {
      if (!seen.add(m.clientSeq())) {
        throw new IllegalArgumentException("client_seq " + m.clientSeq() + " appears twice");
      }
    }
  }
}
