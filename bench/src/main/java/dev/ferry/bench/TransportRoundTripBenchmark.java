package dev.ferry.bench;

import dev.ferry.transport.HttpSyncTransport;
import dev.ferry.transport.wire.PullResponse;
import dev.ferry.transport.wire.PushRequest;
import dev.ferry.transport.wire.PushResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Full round trips of {@link HttpSyncTransport} against a local MockWebServer with canned
 * answers: a push of 1,000 mutations and a pull page of 1,000. One caller thread; the server runs
 * on the same machine, so its CPU is in the numbers too. The server's sockets have Nagle off (see
 * {@link NoDelayServerSockets}), as a real server's should.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TransportRoundTripBenchmark {

  /** Whether request bodies above 16 KiB are gzipped (the default) or sent plain. */
  @Param({"true", "false"})
  public boolean gzip;

  private MockWebServer server;
  private HttpSyncTransport transport;
  private PushRequest push;

  @Setup
  public void setUp() throws IOException {
    push = Fixtures.push(1000);
    MockResponse pushAnswer = json(Fixtures.acceptedAnswer(1000));
    MockResponse pullAnswer = json(Fixtures.pullPage(1000));
    server = new MockWebServer();
    server.setServerSocketFactory(new NoDelayServerSockets());
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            return request.getUrl().encodedPath().endsWith("/push") ? pushAnswer : pullAnswer;
          }
        });
    server.start();
    transport =
        HttpSyncTransport.builder()
            .baseUrl(server.url("/"))
            .token("bench-token")
            .gzipRequestsAbove(gzip ? 16 * 1024 : Long.MAX_VALUE)
            .build();
  }

  private static MockResponse json(String body) {
    return new MockResponse.Builder()
        .setHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }

  @TearDown
  public void tearDown() {
    transport.close();
    server.close();
  }

  @Benchmark
  public PushResponse push1000() throws InterruptedException {
    PushResponse response = transport.push(push);
    // MockWebServer keeps every request it saw; drop it so memory stays flat.
    server.takeRequest();
    return response;
  }

  @Benchmark
  public PullResponse pull1000() throws InterruptedException {
    PullResponse page = transport.pull(0, 1000, Duration.ZERO);
    server.takeRequest();
    return page;
  }
}
