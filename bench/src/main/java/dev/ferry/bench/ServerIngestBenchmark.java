package dev.ferry.bench;

import dev.ferry.transport.wire.PushMutation;
import dev.ferry.transport.wire.PushRequest;
import dev.ferry.transport.wire.RawJson;
import dev.ferry.transport.wire.WireJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Mutations ingested per second by the reference server with the SQLite log: 1,000-mutation pushes
 * over loopback HTTP, one, two or four pushers. Scores are mutations per second (each push counts
 * 1,000 operations). Client and server share the machine, so the client's serialisation-free
 * sending still competes with the server for CPU.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class ServerIngestBenchmark {

  private static final String TOKEN = EmbeddedServer.TOKEN;
  private static final int BATCH = 1_000;
  private static final String REPLICA_PREFIX = "replica-";
  private static final int REPLICA_DIGITS = 12;

  private final AtomicLong replicas = new AtomicLong();
  private EmbeddedServer server;
  private HttpClient http;
  private URI pushUri;
  private byte[] template;
  private int replicaOffset;

  @Setup
  public void setUp() throws IOException {
    server = new EmbeddedServer("ingest");
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    pushUri = server.baseUri().resolve("/v1/push");
    String replica = REPLICA_PREFIX + "0".repeat(REPLICA_DIGITS);
    template = WireJson.mapper().writeValueAsBytes(batch(replica));
    replicaOffset =
        new String(template, StandardCharsets.ISO_8859_1).indexOf(replica)
            + REPLICA_PREFIX.length();
  }

  static PushRequest batch(String replica) {
    List<PushMutation> mutations = new ArrayList<>(BATCH);
    Instant now = Instant.parse("2026-11-21T10:00:00Z");
    for (int i = 1; i <= BATCH; i++) {
      mutations.add(
          new PushMutation(
              i,
              "notes",
              "note",
              "n-" + i,
              "upsert",
              RawJson.of("{\"title\":\"note " + i + "\",\"body\":\"" + "x".repeat(150) + "\"}"),
              now));
    }
    return new PushRequest(replica, 1, mutations);
  }

  /** The template with a fresh replica id, so every push stores 1,000 new rows. */
  private byte[] nextBody() {
    byte[] body = template.clone();
    String digits = String.format("%0" + REPLICA_DIGITS + "d", replicas.incrementAndGet());
    byte[] d = digits.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(d, 0, body, replicaOffset, d.length);
    return body;
  }

  private void push() throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(pushUri)
            .header("Authorization", "Bearer " + TOKEN)
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.ofByteArray(nextBody()))
            .build();
    HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("push failed: " + response.statusCode());
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  @Threads(1)
  public void push1000OnePusher() throws Exception {
    push();
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  @Threads(2)
  public void push1000TwoPushers() throws Exception {
    push();
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  @Threads(4)
  public void push1000FourPushers() throws Exception {
    push();
  }

  @TearDown
  public void tearDown() {
    server.close();
  }
}
