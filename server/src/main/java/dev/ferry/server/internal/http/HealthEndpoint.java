package dev.ferry.server.internal.http;

import dev.ferry.transport.FerryVersion;
import dev.ferry.transport.wire.HealthResponse;

/** {@code GET /v1/health}: needs no token, says the server is up and which version it runs. */
final class HealthEndpoint implements Endpoint {

  private final HealthResponse ok = new HealthResponse("ok", FerryVersion.current());

  @Override
  public void handle(ApiCall call) {
    call.ok(ok);
  }
}
