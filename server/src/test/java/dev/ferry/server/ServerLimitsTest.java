package dev.ferry.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ServerLimitsTest {

  @Test
  void defaults_matchTheDocumentedValues() {
    ServerLimits d = ServerLimits.defaults();

    assertEquals(8 * 1024 * 1024, d.maxBodyBytes());
    assertEquals(1_000, d.maxBatchMutations());
    assertEquals(500, d.defaultPullLimit());
    assertEquals(1_000, d.maxPullLimit());
    assertEquals(Duration.ofSeconds(30), d.maxWait());
    assertEquals(4 * 1024 * 1024, d.maxPageBytes());
    assertTrue(d.workerThreads() >= 4);
    assertEquals(5_000, d.maxWaiters());
    assertEquals(1_000, d.maxWaitersPerTenant());
    assertEquals(Duration.ofSeconds(30), d.idleTimeout());
    assertEquals(1024, d.minRequestDataRate());
    assertEquals(1024, d.minResponseDataRate());
    assertEquals(10_000, d.maxConnections());
    assertEquals(Duration.ofSeconds(5), d.stopTimeout());
  }

  @Test
  void toBuilder_keepsEveryValue() {
    ServerLimits custom =
        ServerLimits.builder()
            .maxBodyBytes(2048)
            .maxBatchMutations(7)
            .defaultPullLimit(3)
            .maxPullLimit(9)
            .maxWait(Duration.ofMillis(5))
            .maxWaiters(0)
            .workerThreads(2)
            .queueCapacity(3)
            .gzipResponseThreshold(0)
            .maxPageBytes(4096)
            .maxWaitersPerTenant(4)
            .idleTimeout(Duration.ofSeconds(2))
            .minRequestDataRate(0)
            .minResponseDataRate(10)
            .maxConnections(3)
            .stopTimeout(Duration.ZERO)
            .build();

    assertEquals(custom.toString(), custom.toBuilder().build().toString());
  }

  @Test
  void setters_refuseValuesBreakingTheirRule() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ServerLimits.builder().maxBodyBytes(10));
    assertTrue(e.getMessage().contains("at least 1024"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ServerLimits.builder().maxBatchMutations(0));
    assertThrows(
        IllegalArgumentException.class, () -> ServerLimits.builder().maxBatchMutations(100_001));
    assertThrows(IllegalArgumentException.class, () -> ServerLimits.builder().maxPullLimit(0));
    assertThrows(
        IllegalArgumentException.class,
        () -> ServerLimits.builder().maxPullLimit(Integer.MAX_VALUE));
    assertThrows(
        IllegalArgumentException.class,
        () -> ServerLimits.builder().maxWait(Duration.ofMillis(-1)));
    assertThrows(
        IllegalArgumentException.class, () -> ServerLimits.builder().maxWait(Duration.ofHours(2)));
    assertThrows(IllegalArgumentException.class, () -> ServerLimits.builder().maxWaiters(-1));
    assertThrows(IllegalArgumentException.class, () -> ServerLimits.builder().workerThreads(0));
    assertThrows(IllegalArgumentException.class, () -> ServerLimits.builder().queueCapacity(0));
    assertThrows(
        IllegalArgumentException.class, () -> ServerLimits.builder().gzipResponseThreshold(-1));
    assertThrows(IllegalArgumentException.class, () -> ServerLimits.builder().maxPageBytes(1023));
    assertThrows(
        IllegalArgumentException.class, () -> ServerLimits.builder().maxWaitersPerTenant(-1));
    assertThrows(
        IllegalArgumentException.class,
        () -> ServerLimits.builder().idleTimeout(Duration.ofMillis(99)));
    assertThrows(
        IllegalArgumentException.class, () -> ServerLimits.builder().minRequestDataRate(-1));
    assertThrows(
        IllegalArgumentException.class, () -> ServerLimits.builder().minResponseDataRate(-1));
    assertThrows(IllegalArgumentException.class, () -> ServerLimits.builder().maxConnections(0));
    assertThrows(
        IllegalArgumentException.class,
        () -> ServerLimits.builder().stopTimeout(Duration.ofSeconds(-1)));
  }

  @Test
  void build_defaultPullLimitAboveMax_isRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> ServerLimits.builder().defaultPullLimit(50).maxPullLimit(10).build());
  }
}
