package dev.ferry.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.transport.wire.ErrorBody;
import dev.ferry.transport.wire.PullResponse;
import dev.ferry.transport.wire.PushResponse;
import dev.ferry.transport.wire.WireJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.zip.GZIPOutputStream;
import org.jspecify.annotations.Nullable;

/** Real HTTP against an embedded server, with the wire records parsed by the shared mapper. */
public final class TestClient {

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();
  private final URI base;

  public TestClient(URI base) {
    this.base = base;
  }

  /** A response: status, selected headers and the raw body. */
  public record Reply(
      int status,
      @Nullable String contentType,
      @Nullable String contentEncoding,
      @Nullable String retryAfter,
      byte[] body) {

    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    public PushResponse push() {
      return read(PushResponse.class);
    }

    public PullResponse pull() {
      return read(PullResponse.class);
    }

    public ErrorBody error() {
      return read(ErrorBody.class);
    }

    public JsonNode json() {
      try {
        return WireJson.mapper().readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON (status " + status + "): " + text(), e);
      }
    }

    private <T> T read(Class<T> type) {
      try {
        return WireJson.mapper().readValue(body, type);
      } catch (IOException e) {
        throw new UncheckedIOException(
            "not a " + type.getSimpleName() + " (status " + status + "): " + text(), e);
      }
    }
  }

  public Reply push(String token, String json) {
    return send(post("/v1/push", token, json.getBytes(StandardCharsets.UTF_8)).build());
  }

  public Reply pushGzip(String token, byte[] uncompressed) {
    return send(
        post("/v1/push", token, gzip(uncompressed)).header("Content-Encoding", "gzip").build());
  }

  public HttpRequest.Builder post(String path, @Nullable String token, byte[] body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  public Reply pull(String token, long since, int limit, long waitMillis) {
    return send(pullRequest(token, since, limit, waitMillis));
  }

  public CompletableFuture<Reply> pullAsync(String token, long since, int limit, long waitMillis) {
    return sendAsync(pullRequest(token, since, limit, waitMillis));
  }

  private HttpRequest pullRequest(String token, long since, int limit, long waitMillis) {
    return get("/v1/pull?since=" + since + "&limit=" + limit + "&wait_ms=" + waitMillis, token)
        .build();
  }

  public HttpRequest.Builder get(String pathAndQuery, @Nullable String token) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve(pathAndQuery)).timeout(Duration.ofSeconds(90)).GET();
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  public Reply send(HttpRequest request) {
    try {
      return toReply(http.send(request, HttpResponse.BodyHandlers.ofByteArray()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public CompletableFuture<Reply> sendAsync(HttpRequest request) {
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
        .thenApply(TestClient::toReply);
  }

  private static Reply toReply(HttpResponse<byte[]> r) {
    return new Reply(
        r.statusCode(),
        r.headers().firstValue("Content-Type").orElse(null),
        r.headers().firstValue("Content-Encoding").orElse(null),
        r.headers().firstValue("Retry-After").orElse(null),
        r.body());
  }

  public static byte[] gzip(byte[] data) {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(buffer)) {
      out.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buffer.toByteArray();
  }
}
