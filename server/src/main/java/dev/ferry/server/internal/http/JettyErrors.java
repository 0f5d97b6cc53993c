package dev.ferry.server.internal.http;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jetty's error handler: answers what Jetty refuses before the router sees it (a request that is
 * not valid HTTP/1.1: bad {@code Content-Length}, a header without a colon, {@code
 * Transfer-Encoding} with {@code Content-Length}, an unknown transfer coding, a request line or
 * headers too long, …) with the documented error body instead of Jetty's HTML page. A malformed
 * request is the client's fault, so it is never answered 5xx, even where Jetty would say 501 or
 * 505. The messages are fixed texts: Jetty's reasons may quote the request.
 */
final class JettyErrors implements Request.Handler {

  private static final Logger LOG = LoggerFactory.getLogger(JettyErrors.class);

  private final Telemetry telemetry;

  JettyErrors(Telemetry telemetry) {
    this.telemetry = telemetry;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    if (!request.getConnectionMetaData().getConnection().getEndPoint().isOpen()) {
      // The client is gone (e.g. a parked pull whose client hung up): nobody to answer.
      callback.succeeded();
      return true;
    }
    Object attribute = request.getAttribute(ErrorHandler.ERROR_EXCEPTION);
    Throwable cause = attribute instanceof Throwable t ? t : null;
    int status = response.getStatus();
    Object statusAttribute = request.getAttribute(ErrorHandler.ERROR_STATUS);
    if (statusAttribute instanceof Integer s) {
      status = s;
    }
    ApiException error = classify(status, cause);
    LOG.debug(
        "refused before routing with {} ({}): {}",
        error.status(),
        status,
        cause == null ? request.getAttribute(ErrorHandler.ERROR_MESSAGE) : cause.toString());
    byte[] json = ErrorJson.of(error);
    response.setStatus(error.status());
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, json.length);
    if (error.status() == 503) {
      response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
    }
    response.write(true, ByteBuffer.wrap(json), callback);
    telemetry.refused(
        request.getMethod(),
        request.getHttpURI() == null ? null : request.getHttpURI().getPath(),
        error.status(),
        json.length,
        error.errorCode());
    return true;
  }

  static ApiException classify(int status, @Nullable Throwable cause) {
    boolean clientsFault = cause instanceof HttpException || (status >= 400 && status < 500);
    if (!clientsFault) {
      if (status == 503) {
        return ApiException.unavailable("stopping", "the server is stopping; retry later");
      }
      return ApiException.internal();
    }
    int code = cause instanceof HttpException h ? h.getCode() : status;
    return switch (code) {
      case 408 -> ApiException.timeout("the request did not arrive in time");
      case 413 -> ApiException.tooLarge("the request is too large");
      case 414 ->
          ApiException.of(414, "validation", "uri_too_long", "the request target is too long");
      case 431 ->
          ApiException.of(
              431, "validation", "headers_too_large", "the request headers are too large");
      default ->
          ApiException.of(400, "validation", "bad_request", "the request is not valid HTTP/1.1");
    };
  }
}
