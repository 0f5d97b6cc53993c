package dev.ferry.transport.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LoopbackHostsTest {

  @ParameterizedTest
  @ValueSource(strings = {"localhost", "LOCALHOST", "127.0.0.1", "127.255.0.9", "::1", "[::1]"})
  void loopbackLiterals_areLoopback(String host) {
    assertTrue(LoopbackHosts.isLoopback(host));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "example.com",
        "localhost.example.com",
        "127.0.0.1.nip.io",
        "128.0.0.1",
        "10.0.0.1",
        "192.168.1.1",
        "127.0.0",
        "127.0.0.256",
        "::2",
        "0.0.0.0"
      })
  void everythingElse_isNot(String host) {
    assertFalse(LoopbackHosts.isLoopback(host));
  }
}
