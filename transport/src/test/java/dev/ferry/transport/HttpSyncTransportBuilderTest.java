package dev.ferry.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpSyncTransportBuilderTest {

  private static HttpSyncTransport.Builder withToken() {
    return HttpSyncTransport.builder().token("tok");
  }

  @Test
  void plainHttpToRemoteHost_isRefusedNamingTheRule() {
    HttpSyncTransport.Builder builder = withToken().baseUrl("http://sync.example.com/");

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::build);

    assertTrue(e.getMessage().contains("refusing to send a bearer token over plain http"), e.getMessage());
    assertTrue(e.getMessage().contains("allowInsecureHttp(true)"), e.getMessage());
  }

  @Test
  void plainHttpToPrivateAddress_isRefusedToo() {
    HttpSyncTransport.Builder builder = withToken().baseUrl("http://10.0.0.5:8787/");

    assertThrows(IllegalArgumentException.class, builder::build);
  }

  @Test
  void plainHttpToRemoteHost_isAllowedWhenExplicitlyAllowed() {
    try (HttpSyncTransport t =
        withToken().baseUrl("http://sync.example.com/").allowInsecureHttp(true).build()) {
      assertEquals("sync.example.com", t.baseUrl().host());
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://localhost:8787/",
        "http://127.0.0.1:8787/",
        "http://127.1.2.3/",
        "http://[::1]:8787/",
        "https://sync.example.com/"
      })
  void loopbackOrHttps_isAccepted(String url) {
    try (HttpSyncTransport t = withToken().baseUrl(url).build()) {
      assertEquals(url, t.baseUrl().toString());
    }
  }

  @Test
  void missingBaseUrlOrToken_isRefused() {
    assertEquals(
        "base URL is required",
        assertThrows(IllegalStateException.class, () -> withToken().build()).getMessage());
    assertTrue(
        assertThrows(
                IllegalStateException.class,
                () -> HttpSyncTransport.builder().baseUrl("https://x/").build())
            .getMessage()
            .contains("token provider"));
  }

  @Test
  void badBaseUrls_areRefusedWithTheRule() {
    HttpSyncTransport.Builder b = withToken();

    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> b.baseUrl("ftp://x/"))
            .getMessage()
            .contains("http or https"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> b.baseUrl("https://u:p@x/"))
            .getMessage()
            .contains("user info"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> b.baseUrl("https://x/?a=1"))
            .getMessage()
            .contains("query"));
  }

  @Test
  void setters_refuseOutOfRangeValuesWithTheRule() {
    HttpSyncTransport.Builder b = withToken();

    assertEquals(
        "read timeout must be positive",
        assertThrows(IllegalArgumentException.class, () -> b.readTimeout(Duration.ZERO)).getMessage());
    assertEquals(
        "connect timeout must be positive",
        assertThrows(IllegalArgumentException.class, () -> b.connectTimeout(Duration.ofSeconds(-1)))
            .getMessage());
    assertEquals(
        "call timeout must not be negative",
        assertThrows(IllegalArgumentException.class, () -> b.callTimeout(Duration.ofSeconds(-1)))
            .getMessage());
    assertEquals(
        "gzip threshold must not be negative",
        assertThrows(IllegalArgumentException.class, () -> b.gzipRequestsAbove(-1)).getMessage());
    assertEquals(
        "max attempts must be between 1 and 10",
        assertThrows(IllegalArgumentException.class, () -> b.maxAttempts(0)).getMessage());
    assertEquals(
        "retry max delay must not be below the base delay",
        assertThrows(
                IllegalArgumentException.class,
                () -> b.retryDelays(Duration.ofSeconds(2), Duration.ofSeconds(1)))
            .getMessage());
    assertEquals(
        "max Retry-After must not be negative",
        assertThrows(IllegalArgumentException.class, () -> b.maxRetryAfter(Duration.ofSeconds(-1)))
            .getMessage());
    assertEquals(
        "max response bytes must be between 1 and 1 GiB",
        assertThrows(IllegalArgumentException.class, () -> b.maxResponseBytes(0)).getMessage());
    assertEquals(
        "user agent prefix must be printable ASCII",
        assertThrows(IllegalArgumentException.class, () -> b.userAgentPrefix("app\r\nX: y"))
            .getMessage());
    assertEquals(
        "token must not be blank",
        assertThrows(IllegalArgumentException.class, () -> b.token(" ")).getMessage());
  }

  @Test
  void userAgent_namesFerryVersionAfterThePrefix() {
    try (HttpSyncTransport t =
        withToken().baseUrl("https://x/").userAgentPrefix("notes-app/2.1").build()) {
      assertTrue(
          t.userAgent().startsWith("notes-app/2.1 ferry/" + FerryVersion.current() + " okhttp/"),
          t.userAgent());
    }
  }

  @Test
  void builder_isReusableAndBuildCopiesSettings() {
    HttpSyncTransport.Builder b = withToken().baseUrl("https://one.example/");
    try (HttpSyncTransport first = b.build()) {
      b.baseUrl("https://two.example/");
      try (HttpSyncTransport second = b.build()) {
        assertEquals("one.example", first.baseUrl().host());
        assertEquals("two.example", second.baseUrl().host());
        try (HttpSyncTransport derived = first.toBuilder().build()) {
          assertEquals("one.example", derived.baseUrl().host());
        }
      }
    }
  }
}
