package dev.ferry.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.server.TestClient.Reply;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that send slowly or read slowly cannot freeze the server: the JDK HTTP server closes a
 * connection whose request takes longer than {@code sun.net.httpserver.maxReqTime}, and answers
 * long-polls before {@code sun.net.httpserver.maxRspTime} would cut them off. The JDK reads these
 * once per JVM, so the server runs in its own JVM with limits of a few seconds; that the server
 * sets its defaults when they are unset is checked in {@code FerryServerTest}.
 */
class SlowClientsTest {

  private static final String TOKEN = "slow-clients-token-0123456789";

  @TempDir static Path dir;
  private static ChildServer server;

  @BeforeAll
  static void startServer() {
    server =
        ChildServer.sqlite(
            dir.resolve("s.db"),
            TOKEN,
            1,
            "sun.net.httpserver.nodelay=true",
            "sun.net.httpserver.maxReqTime=1",
            "sun.net.httpserver.maxRspTime=4");
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void health_answersWhileConnectionsDangleWithUnfinishedHeaders() throws Exception {
    List<Socket> slow = new ArrayList<>();
    try {
      // More than the one worker thread: each holds it while the JDK waits for the header's end.
      for (int i = 0; i < 3; i++) {
        Socket s = new Socket(server.baseUri().getHost(), server.baseUri().getPort());
        OutputStream out = s.getOutputStream();
        out.write(
            "GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.UTF_8));
        out.flush();
        slow.add(s);
      }
      TestClient client = new TestClient(server.baseUri());

      Reply health =
          client.sendAsync(client.get("/v1/health", null).build()).get(30, TimeUnit.SECONDS);

      assertEquals(200, health.status(), health.text());
      for (Socket s : slow) {
        s.setSoTimeout(30_000);
        assertTrue(closedByServer(s.getInputStream()), "the slow connection was closed");
      }
    } finally {
      for (Socket s : slow) {
        s.close();
      }
    }
  }

  @Test
  void longPoll_longerThanTheResponseTimeLimitAllows_isAnsweredBeforeItIsCutOff() throws Exception {
    TestClient client = new TestClient(server.baseUri());

    // 4 s response limit: the server holds long-polls at most 2 s instead of 30 s.
    Reply r = client.pullAsync(TOKEN, 0, 10, 30_000).get(30, TimeUnit.SECONDS);

    assertEquals(200, r.status(), r.text());
    assertTrue(r.pull().mutations().isEmpty());
  }

  private static boolean closedByServer(InputStream in) {
    try {
      return in.read() < 0;
    } catch (IOException reset) {
      return true;
    }
  }
}
