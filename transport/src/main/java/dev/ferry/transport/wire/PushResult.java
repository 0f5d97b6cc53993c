package dev.ferry.transport.wire;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The server's answer for one pushed mutation.
 *
 * @param clientSeq which mutation this answers
 * @param status accepted, duplicate or rejected
 * @param seq the server seq; required (positive) unless rejected
 * @param code the rejection code (e.g. {@code validation_error}, {@code policy_forbidden}); required
 *     when rejected
 * @param message human text of a rejection
 * @param retryable whether a rejected mutation may succeed later (it then stays pending); false
 *     when absent
 */
public record PushResult(
    @JsonProperty(required = true) long clientSeq,
    PushStatus status,
    @Nullable Long seq,
    @Nullable String code,
    @Nullable String message,
    // Absent on accepted/duplicate results (DESIGN's own example omits it); the mapper's
    // FAIL_ON_NULL_FOR_PRIMITIVES would otherwise refuse them. Absent means not retryable.
    @JsonSetter(nulls = Nulls.AS_EMPTY) boolean retryable) {

  public PushResult {
    Objects.requireNonNull(status, "status");
    if (status == PushStatus.REJECTED) {
      if (code == null || code.isBlank()) {
        throw new IllegalArgumentException("a rejected result needs a code");
      }
    } else if (seq == null || seq <= 0) {
      throw new IllegalArgumentException("an " + status + " result needs a positive seq");
    }
  }

  /** A result for a newly stored mutation. */
  public static PushResult accepted(long clientSeq, long seq) {
    return new PushResult(clientSeq, PushStatus.ACCEPTED, seq, null, null, false);
  }

  /** A result for a mutation stored by an earlier attempt. */
  public static PushResult duplicate(long clientSeq, long seq) {
    return new PushResult(clientSeq, PushStatus.DUPLICATE, seq, null, null, false);
  }

  /** A result for a refused mutation. */
  public static PushResult rejected(
      long clientSeq, String code, String message, boolean retryable) {
    return new PushResult(clientSeq, PushStatus.REJECTED, null, code, message, retryable);
  }

  /** True for accepted and duplicate: the mutation is on the server. */
  public boolean stored() {
    return status != PushStatus.REJECTED;
  }
}
