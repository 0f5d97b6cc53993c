package dev.ferry.transport.wire;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Response of {@code GET /v1/whoami}: what the presented token may do.
 *
 * @param tenant the tenant the token belongs to
 * @param read readable projects ({@code *} means all)
 * @param write writable projects ({@code *} means all)
 * @param logId the identity of the tenant's log; null from a server that does not send one
 */
public record WhoAmIResponse(String tenant, List<String> read, List<String> write, @Nullable String logId) {

  @JsonCreator
  public WhoAmIResponse {
    Objects.requireNonNull(tenant, "tenant");
    read = List.copyOf(Objects.requireNonNull(read, "read"));
    write = List.copyOf(Objects.requireNonNull(write, "write"));
    LogIds.check(logId);
  }

  /** An answer without a log identity. */
  public WhoAmIResponse(String tenant, List<String> read, List<String> write) {
    this(tenant, read, write, null);
  }
}
