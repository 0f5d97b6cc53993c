package dev.ferry.transport.wire;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Response of {@code POST /v1/push}.
 *
 * @param results one result per pushed mutation (the client checks coverage)
 * @param latestSeq the highest seq the server has assigned in this tenant, not negative
 * @param logId the identity of the tenant's log (see docs/PROTOCOL.md); null from a server that
 *     does not send one
 */
public record PushResponse(
    List<PushResult> results, @JsonProperty(required = true) long latestSeq, @Nullable String logId) {

  @JsonCreator
  public PushResponse {
    results = List.copyOf(Objects.requireNonNull(results, "results"));
    if (latestSeq < 0) {
      throw new IllegalArgumentException("latest_seq must not be negative, was " + latestSeq);
    }
    LogIds.check(logId);
  }

  /** An answer without a log identity. */
  public PushResponse(List<PushResult> results, long latestSeq) {
    this(results, latestSeq, null);
  }
}
