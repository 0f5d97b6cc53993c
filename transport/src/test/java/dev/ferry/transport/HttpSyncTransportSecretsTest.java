package dev.ferry.transport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The token appears in no exception message, cause, stack trace or log line. */
class HttpSyncTransportSecretsTest {

  private static final String TOKEN = "ferrySecret-7Qx2-DO-NOT-LEAK";
  private static final String FRESH = "ferrySecret-fresh-9Kp4-DO-NOT-LEAK";

  @StartStop private final MockWebServer server = new MockWebServer();

  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
  private final List<Throwable> failures = new ArrayList<>();
  private PrintStream originalErr;
  private HttpSyncTransport transport;

  @BeforeEach
  void captureStderr() {
    originalErr = System.err;
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restoreStderr() {
    System.setErr(originalErr);
    if (transport != null) {
      transport.close();
    }
  }

  private void fail(Executable call) {
    failures.add(assertThrows(TransportException.class, call));
  }

  private static String everything(Throwable t) {
    StringWriter out = new StringWriter();
    t.printStackTrace(new PrintWriter(out));
    return out.toString();
  }

  @Test
  void everyFailure_keepsTheTokenOutOfMessagesAndLogs() {
    transport =
        HttpSyncTransport.builder()
            .baseUrl(server.url("/"))
            .tokenProvider(refresh -> refresh ? FRESH : TOKEN)
            .sleeper(new RecordingSleeper())
            .maxResponseBytes(4096)
            .build();
    // A server that echoes the token in its error text and in a malformed body.
    server.enqueue(Wire.error(401, "auth", "bad_token", "token " + TOKEN + " is unknown"));
    server.enqueue(Wire.error(401, "auth", "bad_token", "token " + FRESH + " is unknown"));
    server.enqueue(Wire.error(403, "policy", "forbidden", "Bearer " + TOKEN + " may not"));
    server.enqueue(Wire.error(409, "stale_lease", "stale", TOKEN));
    server.enqueue(Wire.error(413, "too_large", "big", TOKEN));
    server.enqueue(Wire.error(404, "unsupported", "nope", TOKEN));
    server.enqueue(Wire.error(400, "validation", TOKEN, TOKEN));
    for (int i = 0; i < 3; i++) {
      server.enqueue(
          Wire.error(429, "rate_limited", "slow", TOKEN).newBuilder().setHeader("Retry-After", "1").build());
    }
    for (int i = 0; i < 3; i++) {
      server.enqueue(Wire.error(503, "unavailable", "down", TOKEN));
    }
    server.enqueue(Wire.ok("{\"results\":[{\"client_seq\":\"" + TOKEN + "\"}]}"));
    server.enqueue(Wire.ok("{\"mutations\":[" + TOKEN + "]"));
    server.enqueue(new MockResponse.Builder().code(418).body(TOKEN).build());

    fail(() -> transport.whoami()); // 401, refresh, 401
    fail(() -> transport.push(Wire.push(1)));
    fail(() -> transport.push(Wire.push(1)));
    fail(() -> transport.push(Wire.push(1)));
    fail(() -> transport.push(Wire.push(1)));
    fail(() -> transport.push(Wire.push(1)));
    fail(() -> transport.push(Wire.push(1)));
    fail(() -> transport.push(Wire.push(1)));
    fail(() -> transport.push(Wire.push(1)));
    fail(() -> transport.pull(0, 10, Duration.ZERO));
    fail(() -> transport.whoami());
    transport.close();
    fail(() -> transport.push(Wire.push(1)));

    String log = captured.toString(StandardCharsets.UTF_8);
    assertTrue(log.contains("retrying in"), "debug logging was captured: " + log);
    assertTrue(
        failures.stream().anyMatch(f -> f.getMessage().contains("<redacted>")),
        "echoed tokens were redacted");
    for (Throwable failure : failures) {
      String text = everything(failure);
      assertFalse(text.contains(TOKEN), text);
      assertFalse(text.contains(FRESH), text);
    }
    assertFalse(log.contains(TOKEN), log);
    assertFalse(log.contains(FRESH), log);
  }

  @Test
  void tokenWithLineBreak_isRefusedWithoutEchoingIt() {
    transport =
        HttpSyncTransport.builder()
            .baseUrl(server.url("/"))
            .tokenProvider(refresh -> TOKEN + "\r\nX-Evil: 1")
            .build();

    TransportException e = assertThrows(TransportException.class, () -> transport.whoami());

    assertFalse(everything(e).contains(TOKEN), everything(e));
    assertTrue(e.getMessage().contains("not allowed in an HTTP header"), e.getMessage());
  }
}
