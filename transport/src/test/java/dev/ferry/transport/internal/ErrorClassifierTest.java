package dev.ferry.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.transport.TransportException;
import dev.ferry.transport.TransportException.Kind;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;
import okhttp3.Headers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ErrorClassifierTest {

  private final ErrorClassifier classifier = new ErrorClassifier(new RetryAfter(Clock.systemUTC()));

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "301, UNSUPPORTED",
    "307, UNSUPPORTED",
    "400, PROTOCOL",
    "401, AUTH",
    "403, FORBIDDEN",
    "404, UNSUPPORTED",
    "405, UNSUPPORTED",
    "408, UNAVAILABLE",
    "409, STALE_LEASE",
    "410, UNSUPPORTED",
    "413, TOO_LARGE",
    "418, PROTOCOL",
    "422, PROTOCOL",
    "429, RATE_LIMITED",
    "500, UNAVAILABLE",
    "501, UNAVAILABLE",
    "503, UNAVAILABLE",
    "599, UNAVAILABLE"
  })
  void status_decidesTheKind(int status, Kind kind) {
    assertEquals(kind, ErrorClassifier.kindOf(status, null));
  }

  @Test
  void statusWinsOverAContradictingErrorClass() {
    assertEquals(Kind.STALE_LEASE, ErrorClassifier.kindOf(409, "auth"));
  }

  @Test
  void unlistedStatus_usesTheErrorClass() {
    assertEquals(Kind.RATE_LIMITED, ErrorClassifier.kindOf(420, "rate_limited"));
    assertEquals(Kind.PROTOCOL, ErrorClassifier.kindOf(420, "something_new"));
  }

  @Test
  void response_messageIsShortenedAndRedacted() {
    SecretRedactor redactor = new SecretRedactor();
    redactor.remember("s3cr3t");
    String text = "x".repeat(1000) + " s3cr3t";
    byte[] body =
        ("{\"error_class\":\"policy\",\"error_code\":\"s3cr3t\",\"error\":\"" + text + "\"}")
            .getBytes(StandardCharsets.UTF_8);

    TransportException e =
        classifier.fromResponse("push", new HttpResult(403, Headers.of(), body), redactor);

    assertEquals(Kind.FORBIDDEN, e.kind());
    assertTrue(e.getMessage().length() < 700, e.getMessage());
    assertTrue(e.getMessage().startsWith("push failed: HTTP 403 policy/<redacted>: xxx"), e.getMessage());
    assertEquals(Optional.of("s3cr3t"), e.errorCode(), "the code is data, kept as sent");
  }

  @Test
  void io_isUnavailableAndNamesATimeout() {
    TransportException timeout =
        classifier.fromIo("pull", new SocketTimeoutException("Read timed out"), false);
    TransportException reset = classifier.fromIo("pull", new IOException("reset"), false);
    TransportException cancelled = classifier.fromIo("pull", new IOException("Canceled"), true);

    assertEquals(Kind.UNAVAILABLE, timeout.kind());
    assertEquals("pull timed out", timeout.getMessage());
    assertEquals(Kind.UNAVAILABLE, reset.kind());
    assertEquals(Kind.CANCELLED, cancelled.kind());
  }
}
