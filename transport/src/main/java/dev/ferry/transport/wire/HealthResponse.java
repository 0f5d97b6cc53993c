package dev.ferry.transport.wire;

import java.util.Objects;

/**
 * Response of {@code GET /v1/health} (no authentication).
 *
 * @param status {@code ok} when the server can serve requests
 * @param version the server's Ferry version
 */
public record HealthResponse(String status, String version) {

  public HealthResponse {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(version, "version");
  }
}
