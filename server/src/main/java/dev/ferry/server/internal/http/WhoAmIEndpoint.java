package dev.ferry.server.internal.http;

import dev.ferry.server.MutationLog;
import dev.ferry.transport.wire.WhoAmIResponse;

/** {@code GET /v1/whoami}: the token's tenant and project grants. */
final class WhoAmIEndpoint implements Endpoint {

  private final TokenRegistry tokens;
  private final MutationLog log;

  WhoAmIEndpoint(TokenRegistry tokens, MutationLog log) {
    this.tokens = tokens;
    this.log = log;
  }

  @Override
  public void handle(ApiCall call) {
    Principal p = call.authenticate(tokens);
    call.ok(
        new WhoAmIResponse(
            p.tenant(), p.readable().toWire(), p.writable().toWire(), log.logId(p.tenant())));
  }
}
