package dev.ferry.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SecretRedactorTest {

  @Test
  void redact_replacesEveryRememberedSecret() {
    SecretRedactor redactor = new SecretRedactor();
    redactor.remember("old-tok");
    redactor.remember("new-tok");

    assertEquals(
        "a <redacted> b <redacted> c <redacted>", redactor.redact("a old-tok b new-tok c old-tok"));
  }

  @Test
  void redact_withNothingRemembered_keepsText() {
    assertEquals("plain", new SecretRedactor().redact("plain"));
  }
}
