package dev.ferry.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class StoreConfigTest {

  @Test
  void defaults_matchTheDocumentedValues() {
    StoreConfig c = StoreConfig.defaults();
    assertEquals(1 << 20, c.maxPayloadBytes());
    assertEquals(Duration.ofSeconds(5), c.busyTimeout());
    assertEquals(3, c.lockRetries());
    assertEquals(Duration.ofDays(7), c.retention());
  }

  @Test
  void toBuilder_keepsEveryValue() {
    TestClock clock = new TestClock();
    StoreConfig c = StoreConfig.builder().clock(clock).maxPayloadBytes(10).busyTimeout(Duration.ofSeconds(2))
        .lockRetries(0).retention(Duration.ZERO).build();
    StoreConfig copy = c.toBuilder().build();
    assertSame(clock, copy.clock());
    assertEquals(10, copy.maxPayloadBytes());
    assertEquals(Duration.ofSeconds(2), copy.busyTimeout());
    assertEquals(0, copy.lockRetries());
    assertEquals(Duration.ZERO, copy.retention());
  }

  @Test
  void setters_refuseOutOfRangeValuesStatingTheRule() {
    StoreConfig.Builder b = StoreConfig.builder();
    assertEquals("maxPayloadBytes must be between 1 and 1000000000 but was 0",
        assertThrows(IllegalArgumentException.class, () -> b.maxPayloadBytes(0)).getMessage());
    assertEquals("busyTimeout must be at least 1 s and at most 10 min but was PT0.5S",
        assertThrows(IllegalArgumentException.class, () -> b.busyTimeout(Duration.ofMillis(500))).getMessage());
    assertEquals("lockRetries must be between 0 and 100 but was -1",
        assertThrows(IllegalArgumentException.class, () -> b.lockRetries(-1)).getMessage());
    assertEquals("retention must not be negative but was PT-1S",
        assertThrows(IllegalArgumentException.class, () -> b.retention(Duration.ofSeconds(-1))).getMessage());
    assertEquals("clock must not be null", assertThrows(NullPointerException.class, () -> b.clock(null)).getMessage());
  }
}
