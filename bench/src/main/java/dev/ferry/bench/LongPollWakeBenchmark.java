package dev.ferry.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Long-poll wake-up over loopback with the SQLite log. {@code pushOneMutation} is the round trip of
 * a one-mutation push; {@code pushOneAndWakeParkedPull} is the same push plus the wait until a pull
 * parked beforehand (setup, not timed) has been answered with it. The difference is what the
 * wake-up adds on top of the commit: notify, re-read, answer.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class LongPollWakeBenchmark {

  private static final String TOKEN = EmbeddedServer.TOKEN;

  private EmbeddedServer server;
  private HttpClient http;
  private URI base;
  private long clientSeq;

  @Setup
  public void setUp() throws IOException {
    server = new EmbeddedServer("wake");
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    base = server.baseUri();
  }

  /** A pull parked on the server before each timed invocation. */
  @State(Scope.Benchmark)
  public static class ParkedPull {
    CompletableFuture<HttpResponse<String>> answer;

    @Setup(Level.Invocation)
    public void park(LongPollWakeBenchmark b) {
      HttpRequest pull =
          HttpRequest.newBuilder(b.base.resolve("/v1/pull?since=" + b.clientSeq + "&wait_ms=30000"))
              .header("Authorization", "Bearer " + TOKEN)
              .timeout(Duration.ofSeconds(60))
              .build();
      answer = b.http.sendAsync(pull, HttpResponse.BodyHandlers.ofString());
      while (b.server.parkedPulls() == 0) {
        LockSupport.parkNanos(20_000);
      }
    }
  }

  private void pushOne() throws Exception {
    clientSeq++;
    String body =
        "{\"replica_id\":\"wake\",\"lease_epoch\":1,\"mutations\":[{\"client_seq\":"
            + clientSeq
            + ",\"project\":\"notes\",\"entity\":\"note\",\"entity_key\":\"k\",\"op\":\"upsert\","
            + "\"payload\":{\"n\":"
            + clientSeq
            + "}}]}";
    HttpRequest push =
        HttpRequest.newBuilder(base.resolve("/v1/push"))
            .header("Authorization", "Bearer " + TOKEN)
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .build();
    if (http.send(push, HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
      throw new IllegalStateException("push failed");
    }
  }

  @Benchmark
  public void pushOneAndWakeParkedPull(ParkedPull parked) throws Exception {
    pushOne();
    HttpResponse<String> answer = parked.answer.get(30, TimeUnit.SECONDS);
    if (!answer.body().contains("\"seq\":" + clientSeq)) {
      throw new IllegalStateException(
          "the parked pull was answered without the push: " + answer.body());
    }
  }

  @Benchmark
  public void pushOneMutation() throws Exception {
    pushOne();
  }

  @TearDown
  public void tearDown() {
    server.close();
  }
}
