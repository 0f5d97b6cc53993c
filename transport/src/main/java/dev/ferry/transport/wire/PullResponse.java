package dev.ferry.transport.wire;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Objects;

/**
 * Response of {@code GET /v1/pull}.
 *
 * @param mutations the page, strictly increasing seq (the client checks order and the cursor)
 * @param hasMore whether another page is ready right now
 * @param latestSeq the highest seq the server has assigned in this tenant, not negative
 */
public record PullResponse(List<PulledMutation> mutations, @JsonProperty(required = true) boolean hasMore, @JsonProperty(required = true) long latestSeq) {

  public PullResponse {
    mutations = List.copyOf(Objects.requireNonNull(mutations, "mutations"));
    if (latestSeq < 0) {
      throw new IllegalArgumentException("latest_seq must not be negative, was " + latestSeq);
    }
  }
}
