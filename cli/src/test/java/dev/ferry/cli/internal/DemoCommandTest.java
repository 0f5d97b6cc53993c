package dev.ferry.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.cli.Ferry;
import org.junit.jupiter.api.Test;

/** {@code ferry demo} at small sizes: replicas writing concurrently must converge. */
class DemoCommandTest {

  @Test
  void demo_json_replicasConvergeOnTheServerLog() {
    JsonNode doc = Cli.run("demo", "--replicas", "3", "--mutations", "300", "--rate", "0", "--shared-keys", "5",
        "--json").expect(Ferry.OK).json();

    assertTrue(doc.get("converged").asBoolean(), doc.toString());
    assertEquals(3, doc.get("replicas").asInt());
    assertEquals(300, doc.get("mutations").asInt());
    assertEquals(300, doc.get("server_mutations").asInt(), "every write on the server exactly once");
    assertTrue(doc.get("elapsed_ms").asLong() > 0);
    assertTrue(doc.at("/latency_ms/samples").asInt() > 0);
    assertTrue(doc.at("/latency_ms/p99").asDouble() >= doc.at("/latency_ms/p50").asDouble());
    JsonNode statuses = doc.get("statuses");
    assertEquals(3, statuses.size());
    for (JsonNode s : statuses) {
      assertEquals(0, s.at("/status/pending/count").asInt());
      assertEquals(300, s.at("/status/cursor/last_pulled_seq").asInt());
    }
  }

  @Test
  void demo_text_printsRatesLatencyAndAStatusRowPerReplica() {
    Cli.Result r = Cli.run("demo", "--replicas", "2", "--mutations", "100", "--rate", "500", "--min-push-interval-ms", "5")
        .expect(Ferry.OK);

    assertTrue(r.out().startsWith("converged: 2 replicas, 100 mutations"), r.out());
    assertTrue(r.out().contains("latency  "), r.out());
    assertTrue(r.out().contains("replica-1   healthy"), r.out());
    assertTrue(r.out().contains("replica-2   healthy"), r.out());
    assertTrue(r.err().contains("ferry demo: 2 replicas writing 100 mutations"), r.err());
  }
}
