package dev.ferry.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.transport.wire.PushMutation;
import dev.ferry.transport.wire.PushRequest;
import dev.ferry.transport.wire.RawJson;
import dev.ferry.transport.wire.WireJson;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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

/** Serialising a push of 1,000 mutations with the shared wire mapper. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class WireJsonBenchmark {

  private final ObjectMapper mapper = WireJson.mapper();
  private PushRequest push;

  @Setup
  public void setUp() {
    List<PushMutation> mutations = new ArrayList<>(1000);
    Instant now = Instant.parse("2026-11-21T10:00:00Z");
    for (int i = 1; i <= 1000; i++) {
      mutations.add(
          new PushMutation(
              i, "notes", "note", "n-" + i, "upsert",
              RawJson.of("{\"title\":\"note " + i + "\",\"body\":\"" + "x".repeat(150) + "\"}"),
              now));
    }
    push = new PushRequest("replica-1", 1, mutations);
  }

  @Benchmark
  public byte[] serialisePush1000() throws Exception {
    return mapper.writeValueAsBytes(push);
  }
}
