package dev.ferry.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.cli.Ferry;
import org.junit.jupiter.api.Test;

/** {@code ferry bench} with small sizes: every measurement is taken and reported. */
class BenchCommandTest {

  @Test
  void bench_json_hasTheKeysTheIssueNamesWithMeasuredValues() {
    JsonNode doc = Cli.run("bench", "--mutations", "600", "--batch", "100", "--payload-bytes", "64",
        "--latency-writes", "20", "--idle-seconds", "1", "--json").expect(Ferry.OK).json();

    for (String key : new String[] {"push_per_s", "pull_apply_per_s", "latency_ms", "idle_cpu_pct", "mutations",
        "batch"}) {
      assertTrue(doc.has(key), key + " in " + doc);
    }
    assertTrue(doc.get("push_per_s").asDouble() > 0);
    assertTrue(doc.get("pull_apply_per_s").asDouble() > 0);
    assertTrue(doc.at("/latency_ms/p50").asDouble() > 0);
    assertTrue(doc.at("/latency_ms/p99").asDouble() >= doc.at("/latency_ms/p50").asDouble());
    assertEquals(20, doc.at("/latency_ms/samples").asInt());
    assertTrue(doc.get("idle_cpu_pct").asDouble() >= 0);
    assertEquals(600, doc.get("mutations").asInt());
    assertEquals(100, doc.get("batch").asInt());
  }

  @Test
  void bench_text_tableWithTargets() {
    Cli.Result r = Cli.run("bench", "--mutations", "300", "--latency-writes", "10", "--idle-seconds", "1")
        .expect(Ferry.OK);

    assertTrue(r.out().contains("push (300 in batches of 500)"), r.out());
    assertTrue(r.out().contains("pull + apply into a fresh replica"), r.out());
    assertTrue(r.out().contains("A->B propagation p99"), r.out());
    assertTrue(r.out().contains("idle CPU of a live replica"), r.out());
  }
}
