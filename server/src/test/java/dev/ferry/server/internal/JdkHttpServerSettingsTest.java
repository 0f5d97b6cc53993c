package dev.ferry.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class JdkHttpServerSettingsTest {

  @Test
  void applyDefaults_unset_setsNodelayAndTheRequestAndResponseTimeLimits() {
    Properties p = new Properties();

    Optional<Duration> responseLimit = JdkHttpServerSettings.applyDefaults(p);

    assertEquals("true", p.getProperty("sun.net.httpserver.nodelay"));
    assertEquals("60", p.getProperty("sun.net.httpserver.maxReqTime"));
    assertEquals("120", p.getProperty("sun.net.httpserver.maxRspTime"));
    assertEquals(Optional.of(Duration.ofSeconds(120)), responseLimit);
  }

  @Test
  void applyDefaults_setByTheApplication_keepsItsValues() {
    Properties p = new Properties();
    p.setProperty("sun.net.httpserver.nodelay", "false");
    p.setProperty("sun.net.httpserver.maxReqTime", "5");
    p.setProperty("sun.net.httpserver.maxRspTime", "-1");

    Optional<Duration> responseLimit = JdkHttpServerSettings.applyDefaults(p);

    assertEquals("false", p.getProperty("sun.net.httpserver.nodelay"));
    assertEquals("5", p.getProperty("sun.net.httpserver.maxReqTime"));
    assertEquals(Optional.empty(), responseLimit, "not positive: the JDK applies no limit");
  }

  @Test
  void longestWait_leavesTimeToWriteTheResponseWithinTheLimit() {
    Duration thirty = Duration.ofSeconds(30);

    assertEquals(thirty, JdkHttpServerSettings.longestWait(thirty, Optional.empty()));
    assertEquals(
        thirty, JdkHttpServerSettings.longestWait(thirty, Optional.of(Duration.ofSeconds(120))));
    assertEquals(
        Duration.ofSeconds(90),
        JdkHttpServerSettings.longestWait(
            Duration.ofHours(1), Optional.of(Duration.ofSeconds(120))));
    assertEquals(
        Duration.ofSeconds(2),
        JdkHttpServerSettings.longestWait(thirty, Optional.of(Duration.ofSeconds(4))));
  }
}
