package dev.ferry.transport.wire;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Objects;

/**
 * Response of {@code POST /v1/push}.
 *
 * @param results one result per pushed mutation (the client checks coverage)
 * @param latestSeq the highest seq the server has assigned in this tenant, not negative
 */
public record PushResponse(List<PushResult> results, @JsonProperty(required = true) long latestSeq) {

  public PushResponse {
    results = List.copyOf(Objects.requireNonNull(results, "results"));
    if (latestSeq < 0) {
      throw new IllegalArgumentException("latest_seq must not be negative, was " + latestSeq);
    }
  }
}
