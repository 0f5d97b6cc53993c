package dev.ferry.transport.wire;

import java.util.List;
import java.util.Objects;

/**
 * Response of {@code GET /v1/whoami}: what the presented token may do.
 *
 * @param tenant the tenant the token belongs to
 * @param read readable projects ({@code *} means all)
 * @param write writable projects ({@code *} means all)
 */
public record WhoAmIResponse(String tenant, List<String> read, List<String> write) {

  public WhoAmIResponse {
    Objects.requireNonNull(tenant, "tenant");
    read = List.copyOf(Objects.requireNonNull(read, "read"));
    write = List.copyOf(Objects.requireNonNull(write, "write"));
  }
}
