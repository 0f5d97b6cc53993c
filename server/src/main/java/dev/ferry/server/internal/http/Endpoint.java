package dev.ferry.server.internal.http;

import java.io.IOException;

/**
 * One endpoint's handler. It answers through {@link ApiCall}, now or later (a parked long-poll
 * returns without answering), or throws {@link ApiException} for the router to answer.
 */
interface Endpoint {

  void handle(ApiCall call) throws IOException;
}
