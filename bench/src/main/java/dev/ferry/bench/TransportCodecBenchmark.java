package dev.ferry.bench;

import dev.ferry.transport.internal.HttpResult;
import dev.ferry.transport.internal.ResponseValidator;
import dev.ferry.transport.internal.SecretRedactor;
import dev.ferry.transport.internal.WireCodec;
import dev.ferry.transport.wire.PullResponse;
import dev.ferry.transport.wire.PushRequest;
import dev.ferry.transport.wire.PushResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import okhttp3.Headers;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Client-side CPU of the transport's codec for 1,000 mutations, single-threaded: the code path
 * {@code HttpSyncTransport} runs around the network (serialise a push; parse and validate a push
 * answer and a pull page). Divide by 1,000 for the cost per mutation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TransportCodecBenchmark {

  private final SecretRedactor redactor = new SecretRedactor();
  private PushRequest push;
  private HttpResult pushAnswer;
  private HttpResult pullPage;

  @Setup
  public void setUp() {
    push = Fixtures.push(1000);
    pushAnswer = ok(Fixtures.acceptedAnswer(1000));
    pullPage = ok(Fixtures.pullPage(1000));
  }

  private static HttpResult ok(String body) {
    return new HttpResult(200, Headers.of(), body.getBytes(StandardCharsets.UTF_8));
  }

  @Benchmark
  public byte[] serialisePush1000() {
    return WireCodec.write(push);
  }

  @Benchmark
  public PushResponse parseAndValidatePushAnswer1000() {
    PushResponse response = WireCodec.read("push", pushAnswer, PushResponse.class, redactor);
    ResponseValidator.checkPush(push, response);
    return response;
  }

  @Benchmark
  public PullResponse parseAndValidatePullPage1000() {
    PullResponse page = WireCodec.read("pull", pullPage, PullResponse.class, redactor);
    ResponseValidator.checkPull(0, 1000, page);
    return page;
  }
}
