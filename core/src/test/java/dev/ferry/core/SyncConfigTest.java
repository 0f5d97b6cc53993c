package dev.ferry.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SyncConfigTest {

  @Test
  void defaults_matchTheDocumentedTable() {
    SyncConfig c = SyncConfig.defaults();
    assertEquals("cloud", c.target());
    assertTrue(c.owner().isEmpty(), "each manager makes its own owner name");
    assertEquals(Duration.ofSeconds(60), c.leaseTtl());
    assertEquals(Duration.ofSeconds(20), c.leaseRenewInterval());
    assertEquals(Duration.ZERO, c.minPushInterval());
    assertEquals(Duration.ofSeconds(30), c.pollInterval());
    assertEquals(500, c.pushBatchSize());
    assertEquals(1_000, c.pullPageSize());
    assertEquals(Duration.ofSeconds(25), c.longPollWait());
    assertTrue(c.longPoll());
    assertEquals(Duration.ofSeconds(1), c.backoffBase());
    assertEquals(Duration.ofMinutes(5), c.backoffMax());
    assertEquals(0.25, c.backoffJitter());
    assertEquals(10, c.maxConsecutiveFailures());
    assertTrue(c.pull());
    assertEquals(Duration.ofMillis(250), c.changeCheckInterval());
    assertEquals(Duration.ofSeconds(2), c.stopTimeout());
  }

  @Test
  void setters_refuseValuesOutsideTheirRuleAndSayTheRule() {
    SyncConfig.Builder b = SyncConfig.builder();
    assertEquals("leaseTtl must be between 100 ms and 1 day but was 50 ms",
        assertThrows(IllegalArgumentException.class, () -> b.leaseTtl(Duration.ofMillis(50))).getMessage());
    assertEquals("pushBatchSize must be between 1 and 10000 but was 0",
        assertThrows(IllegalArgumentException.class, () -> b.pushBatchSize(0)).getMessage());
    assertEquals("longPollWait must be between 0 and 5 min but was 6 min",
        assertThrows(IllegalArgumentException.class, () -> b.longPollWait(Duration.ofMinutes(6))).getMessage());
    assertEquals("backoff max must not be below the base but was PT1S < PT2S",
        assertThrows(IllegalArgumentException.class,
            () -> b.backoff(Duration.ofSeconds(2), Duration.ofSeconds(1))).getMessage());
    assertEquals("backoffJitter must be at least 0 and below 1 but was 1.0",
        assertThrows(IllegalArgumentException.class, () -> b.backoffJitter(1)).getMessage());
    assertEquals("target must not be blank", assertThrows(IllegalArgumentException.class, () -> b.target(" "))
        .getMessage());
    assertThrows(NullPointerException.class, () -> b.pollInterval(null));
    assertThrows(IllegalArgumentException.class, () -> b.changeCheckInterval(Duration.ofMillis(5)));
    assertThrows(IllegalArgumentException.class, () -> b.maxConsecutiveFailures(0));
    assertEquals("minPushInterval must be between 0 and 10 min but was 11 min",
        assertThrows(IllegalArgumentException.class, () -> b.minPushInterval(Duration.ofMinutes(11))).getMessage());
    assertEquals("minPushInterval must be between 0 and 10 min but was -1 ms",
        assertThrows(IllegalArgumentException.class, () -> b.minPushInterval(Duration.ofMillis(-1))).getMessage());
  }

  @Test
  void toBuilder_derivesAVariantAndLeavesTheOriginal() {
    SyncConfig base = SyncConfig.builder().target("eu").owner("me").build();
    SyncConfig pushOnly = base.toBuilder().pull(false).minPushInterval(Duration.ofSeconds(1)).build();
    assertEquals(Duration.ofSeconds(1), pushOnly.minPushInterval());
    assertEquals(Duration.ZERO, base.minPushInterval());
    assertFalse(pushOnly.pull());
    assertFalse(pushOnly.longPoll(), "no long-poll without pulls");
    assertEquals("eu", pushOnly.target());
    assertEquals("me", pushOnly.owner().orElseThrow());
    assertTrue(base.pull());
    assertFalse(SyncConfig.builder().longPollWait(Duration.ZERO).build().longPoll());
  }
}
