package dev.ferry.transport.internal;

import java.time.Duration;
import java.util.function.Consumer;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.jspecify.annotations.Nullable;

/**
 * Runs one wire operation end to end: build the request, authenticate (with one refresh after a
 * 401), send, classify a failure, parse and validate a success, and retry transient failures.
 *
 * <p>Thread-safe; every operation keeps its own state (its token redactor and refresh budget).
 */
public final class RequestRunner {

  private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");

  private final HttpExchange exchange;
  private final BearerAuth auth;
  private final RetryingExecutor retries;
  private final ErrorClassifier classifier;
  private final String userAgent;

  public RequestRunner(
      HttpExchange exchange,
      BearerAuth auth,
      RetryingExecutor retries,
      ErrorClassifier classifier,
      String userAgent) {
    this.exchange = exchange;
    this.auth = auth;
    this.retries = retries;
    this.classifier = classifier;
    this.userAgent = userAgent;
  }

  /**
   * What to send and how to read the answer.
   *
   * @param operation the name used in messages and logs
   * @param url the full URL
   * @param body the JSON body of a POST, or null for a GET
   * @param authenticated whether to send the bearer token
   * @param readTimeout a read timeout for this call only, or null for the client's
   * @param callTimeout the whole call's deadline, zero for none
   */
  public record Spec(
      String operation,
      HttpUrl url,
      byte @Nullable [] body,
      boolean authenticated,
      @Nullable Duration readTimeout,
      Duration callTimeout) {}

  /**
   * @param type the record a 2xx body is read as
   * @param validator checks the parsed response, throwing {@code PROTOCOL} when it makes no sense
   */
  public <T> T run(Spec spec, Class<T> type, Consumer<T> validator) {
    SecretRedactor redactor = new SecretRedactor();
    BearerAuth.Session session = auth.session(spec.operation(), redactor);
    return retries.execute(
        spec.operation(),
        () -> {
          HttpResult result =
              spec.authenticated()
                  ? session.send(token -> request(spec, token), send(spec))
                  : send(spec).exchange(request(spec, null));
          if (!result.isSuccessful()) {
            throw classifier.fromResponse(spec.operation(), result, redactor);
          }
          T value = WireCodec.read(spec.operation(), result, type, redactor);
          validator.accept(value);
          return value;
        });
  }

  private BearerAuth.HttpExchanger send(Spec spec) {
    return request -> exchange.execute(spec.operation(), request, spec.callTimeout());
  }

  private Request request(Spec spec, @Nullable String token) {
    Request.Builder builder =
        new Request.Builder()
            .url(spec.url())
            .header("User-Agent", userAgent)
            .header("Accept", "application/json");
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    byte[] body = spec.body();
    if (body != null) {
      builder.post(RequestBody.create(body, JSON));
    }
    Duration readTimeout = spec.readTimeout();
    if (readTimeout != null) {
      builder.tag(CallTimeouts.class, new CallTimeouts(readTimeout));
    }
    return builder.build();
  }
}
