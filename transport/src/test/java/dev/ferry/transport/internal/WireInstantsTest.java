package dev.ferry.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WireInstantsTest {

  private static final DateTimeFormatter JAVA_TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  @Test
  void fastPath_agreesWithJavaTimeOnRandomInstants() {
    SplittableRandom random = new SplittableRandom(42);
    long min = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
    long max = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
    for (int i = 0; i < 100_000; i++) {
      Instant instant = Instant.ofEpochSecond(random.nextLong(min, max + 1), random.nextInt(1_000_000_000));
      String expected = JAVA_TIME.format(instant);

      assertEquals(expected, WireInstants.format(instant));
      assertEquals(Instant.parse(expected), WireInstants.parse(expected));
      assertEquals(instant.truncatedTo(ChronoUnit.MILLIS), WireInstants.parse(expected));
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2026-11-21T10:00:00Z",
        "2026-11-21T10:00:00.000000Z",
        "2026-11-21T10:00:00.000+01:00",
        "2026-02-30T10:00:00.000Z",
        "2026-12-31T23:59:60.000Z",
        "2026-11-21T24:00:00.000Z",
        "2026-11-21t10:00:00.000Z",
        "2026-1x-21T10:00:00.000Z",
        "+10000-01-01T00:00:00.000Z"
      })
  void otherShapes_areLeftToJavaTime(String text) {
    assertNull(WireInstants.parse(text));
  }

  @Test
  void yearsOutsideFourDigits_areLeftToJavaTime() {
    assertNull(WireInstants.format(Instant.parse("+10000-01-01T00:00:00Z")));
    assertNull(WireInstants.format(Instant.parse("-0001-01-01T00:00:00Z")));
  }

  @Test
  void module_stillReadsOtherIsoForms() throws Exception {
    var mapper = dev.ferry.transport.wire.WireJson.mapper();

    assertEquals(
        Instant.parse("2026-11-21T10:00:00Z"), mapper.readValue("\"2026-11-21T10:00:00Z\"", Instant.class));
    assertEquals(
        Instant.parse("2026-12-31T23:59:59.999Z"),
        mapper.readValue("\"2026-12-31T23:59:60.999Z\"", Instant.class));
    assertEquals("\"+10000-01-01T00:00:00.000Z\"",
        mapper.writeValueAsString(Instant.parse("+10000-01-01T00:00:00Z")));
  }
}
