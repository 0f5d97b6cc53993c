package dev.ferry.transport.wire;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Response of {@code GET /v1/pull}.
 *
 * @param mutations the page, strictly increasing seq (the client checks order and the cursor)
 * @param hasMore whether another page is ready right now
 * @param latestSeq the highest seq the server has assigned in this tenant, not negative
 * @param logId the identity of the tenant's log (see docs/PROTOCOL.md); null from a server that
 *     does not send one
 */
public record PullResponse(
    List<PulledMutation> mutations,
    @JsonProperty(required = true) boolean hasMore,
    @JsonProperty(required = true) long latestSeq,
    @Nullable String logId) {

  @JsonCreator
  public PullResponse {
    mutations = List.copyOf(Objects.requireNonNull(mutations, "mutations"));
    if (latestSeq < 0) {
      throw new IllegalArgumentException("latest_seq must not be negative, was " + latestSeq);
    }
    LogIds.check(logId);
  }

  /** A page without a log identity. */
  public PullResponse(List<PulledMutation> mutations, boolean hasMore, long latestSeq) {
    this(mutations, hasMore, latestSeq, null);
  }
}
