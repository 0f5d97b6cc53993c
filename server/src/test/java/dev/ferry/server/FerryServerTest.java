package dev.ferry.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.server.TestClient.Reply;
import dev.ferry.transport.HttpSyncTransport;
import dev.ferry.transport.TransportException;
import dev.ferry.transport.wire.PullResponse;
import dev.ferry.transport.wire.PushMutation;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FerryServerTest {

  private static final String TOKEN = "server-test-token-0123456789";

  @TempDir Path dir;

  private FerryServer.Builder builder(MutationLog log) {
    return FerryServer.builder().storage(log).port(0).grant(TokenGrant.allProjects(TOKEN, "t"));
  }

  @Test
  void start_portZero_bindsAFreePortAndReportsIt() {
    try (FerryServer server = builder(MutationLog.sqlite(dir.resolve("s.db"))).build().start()) {
      assertTrue(server.port() > 0);
      assertEquals("http://127.0.0.1:" + server.port(), server.baseUri().toString());
      assertEquals(
          200,
          new TestClient(server.baseUri())
              .send(new TestClient(server.baseUri()).get("/v1/health", null).build())
              .status());
      assertEquals(server, server.start(), "a second start is a no-op");
    }
  }

  @Test
  void start_afterStop_isRefused() {
    FerryServer server = builder(MutationLog.sqlite(dir.resolve("s.db"))).build().start();
    server.stop(Duration.ofSeconds(1));
    server.stop(Duration.ofSeconds(1));

    assertThrows(IllegalStateException.class, server::start);
  }

  @Test
  void start_portTaken_failsAndStopStillClosesTheStorage() {
    ClosingLog log = new ClosingLog(MutationLog.sqlite(dir.resolve("b.db")));
    try (FerryServer first = builder(MutationLog.sqlite(dir.resolve("a.db"))).build().start()) {
      FerryServer second = builder(log).port(first.port()).build();

      assertThrows(UncheckedIOException.class, second::start);
      second.stop(Duration.ZERO);
      assertTrue(log.closed.get());
    }
  }

  @Test
  void build_withoutStorageOrWithASharedToken_isRefused() {
    assertThrows(IllegalStateException.class, () -> FerryServer.builder().build());
    MutationLog log = MutationLog.sqlite(dir.resolve("s.db"));
    try {
      assertThrows(
          IllegalArgumentException.class,
          () -> builder(log).grant(TokenGrant.allProjects(TOKEN, "other")).build());
      assertThrows(IllegalArgumentException.class, () -> FerryServer.builder().port(70_000));
      assertThrows(IllegalArgumentException.class, () -> FerryServer.builder().host(" "));
    } finally {
      log.close();
    }
  }

  @Test
  void logs_neverContainATokenPresentedOrGranted() throws Exception {
    String wrong = "wrong-token-that-must-not-leak-42";
    String log =
        LogCapture.during(
            () -> {
              try (FerryServer server =
                  builder(MutationLog.sqlite(dir.resolve("s.db"))).build().start()) {
                TestClient client = new TestClient(server.baseUri());
                assertEquals(401, client.pull(wrong, 0, 10, 0).status());
                assertEquals(200, client.push(TOKEN, Pushes.range("r", 1, "p", 1, 1)).status());
                assertEquals(400, client.push(TOKEN, "{broken").status());
              }
            });

    assertTrue(log.contains("listening"), "the log was captured: " + log);
    assertFalse(log.contains(wrong));
    assertFalse(log.contains(TOKEN));
  }

  @Test
  void logs_storageFailure_nameTheFailureButNoRequestData() throws Exception {
    Path file = dir.resolve("s.db");
    String replica = "replica-that-must-not-be-logged-7";
    String payload = "{\"secret\":\"payload-that-must-not-be-logged-7\"}";
    String log =
        LogCapture.during(
            () -> {
              try (FerryServer server = builder(MutationLog.sqlite(file)).build().start()) {
                try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                    Statement s = c.createStatement()) {
                  s.execute("DROP TABLE ferry_replica_epochs");
                }
                Reply r =
                    new TestClient(server.baseUri())
                        .push(
                            TOKEN, Pushes.body(replica, 1, Pushes.mutation(1, "p", "k", payload)));
                assertEquals(503, r.status(), r.text());
              }
            });

    assertTrue(log.contains("storage failure"), log);
    assertTrue(log.contains("SQLiteException"), "the failure is named: " + log);
    assertFalse(log.contains(replica), log);
    assertFalse(log.contains("payload-that-must-not-be-logged"), log);
    assertFalse(log.contains(TOKEN), log);
  }

  @Test
  void pull_beyondTheLongPollCap_transportWaitsRetryAfterThenReportsRateLimited() throws Exception {
    ServerLimits oneWaiter = ServerLimits.builder().maxWaiters(1).build();
    List<Duration> waits = new CopyOnWriteArrayList<>();
    try (FerryServer server =
            builder(MutationLog.sqlite(dir.resolve("s.db"))).limits(oneWaiter).build().start();
        HttpSyncTransport transport =
            HttpSyncTransport.builder()
                .baseUrl(server.baseUri().toString())
                .token(TOKEN)
                .sleeper(waits::add)
                .build()) {
      TestClient client = new TestClient(server.baseUri());
      CompletableFuture<Reply> parked = client.pullAsync(TOKEN, 0, 10, 20_000);
      Await.until("the only long-poll slot is taken", () -> server.parkedPulls() == 1);

      TransportException e =
          assertThrows(
              TransportException.class, () -> transport.pull(0, 10, Duration.ofSeconds(20)));

      assertEquals(TransportException.Kind.RATE_LIMITED, e.kind());
      assertEquals(Optional.of(Duration.ofSeconds(1)), e.retryAfter());
      assertEquals(2, waits.size(), "three attempts: " + waits);
      assertTrue(waits.stream().allMatch(w -> w.compareTo(Duration.ofSeconds(1)) >= 0), "" + waits);
      client.push(TOKEN, Pushes.range("r", 1, "p", 1, 1));
      assertEquals(200, parked.get(30, TimeUnit.SECONDS).status());
    }
  }

  @Test
  void push_acceptedAt_comesFromTheInjectedClock() {
    Instant fixed = Instant.parse("2030-01-02T03:04:05.678Z");
    try (FerryServer server =
        builder(MutationLog.sqlite(dir.resolve("s.db")))
            .clock(Clock.fixed(fixed, ZoneOffset.UTC))
            .build()
            .start()) {
      TestClient client = new TestClient(server.baseUri());
      client.push(TOKEN, Pushes.range("r", 1, "p", 1, 1));

      assertEquals(fixed, client.pull(TOKEN, 0, 10, 0).pull().mutations().get(0).acceptedAt());
    }
  }

  @Test
  void stop_letsAPushInFlightFinish_andRefusesNewRequests() throws Exception {
    BlockingLog log = new BlockingLog(MutationLog.sqlite(dir.resolve("s.db")));
    FerryServer server = builder(log).build().start();
    TestClient client = new TestClient(server.baseUri());
    CompletableFuture<Reply> push =
        client.sendAsync(
            client.post("/v1/push", TOKEN, Pushes.range("r", 1, "p", 1, 2).getBytes()).build());
    assertTrue(log.entered.await(30, TimeUnit.SECONDS));

    CompletableFuture<Void> stopping =
        CompletableFuture.runAsync(() -> server.stop(Duration.ofSeconds(30)));
    Await.until(
        "new requests are refused",
        () -> {
          try {
            return client.send(client.get("/v1/health", null).build()).status() == 503;
          } catch (RuntimeException connectionClosed) {
            return true;
          }
        });
    log.release.countDown();

    Reply reply = push.get(30, TimeUnit.SECONDS);
    assertEquals(200, reply.status(), reply.text());
    assertEquals(2, reply.push().latestSeq());
    stopping.get(30, TimeUnit.SECONDS);
  }

  @Test
  void stop_deadlinePassesWithAPushStillBlocked_returnsAnyway() throws Exception {
    BlockingLog log = new BlockingLog(MutationLog.sqlite(dir.resolve("s.db")));
    FerryServer server = builder(log).build().start();
    TestClient client = new TestClient(server.baseUri());
    CompletableFuture<Reply> push =
        client.sendAsync(
            client.post("/v1/push", TOKEN, Pushes.range("r", 1, "p", 1, 1).getBytes()).build());
    assertTrue(log.entered.await(30, TimeUnit.SECONDS));

    server.stop(Duration.ofMillis(200));

    log.release.countDown();
    assertTrue(
        push.handle((r, e) -> e != null || r.status() != 200).get(30, TimeUnit.SECONDS),
        "the blocked push was cut off, not answered as stored");
  }

  @Test
  void stop_appendWaitingForSqlitesWriteLock_returnsWithoutWaitingForIt() throws Exception {
    Path file = dir.resolve("s.db");
    FerryServer server = builder(MutationLog.sqlite(file)).build().start();
    TestClient client = new TestClient(server.baseUri());
    try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = other.createStatement()) {
      // Another process holds the write lock: the append waits out SQLite's 10 s busy timeout.
      s.execute("BEGIN IMMEDIATE");
      client.sendAsync(
          client.post("/v1/push", TOKEN, Pushes.range("r", 1, "p", 1, 1).getBytes()).build());
      Await.until("an append waits for the write lock", () -> appendRunning() != null);
      Thread append = appendRunning();

      CompletableFuture.runAsync(() -> server.stop(Duration.ofMillis(200)))
          .get(8, TimeUnit.SECONDS);

      assertTrue(
          Arrays.stream(append.getStackTrace())
              .anyMatch(f -> f.getMethodName().equals("inImmediate")),
          "stop returned while the append still waited, instead of waiting for it");
      s.execute("ROLLBACK");
    }
    Await.until("the append gave up", () -> appendRunning() == null);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement();
        ResultSet rows = s.executeQuery("SELECT COUNT(*) FROM ferry_log")) {
      assertEquals(0, rows.getInt(1), "an append still waiting at stop commits nothing");
    }
  }

  /** The server thread inside a SQLite append, or null. */
  private static Thread appendRunning() {
    for (Map.Entry<Thread, StackTraceElement[]> t : Thread.getAllStackTraces().entrySet()) {
      if (t.getKey().getName().startsWith("ferry-")
          && Arrays.stream(t.getValue()).anyMatch(f -> f.getMethodName().equals("inImmediate"))) {
        return t.getKey();
      }
    }
    return null;
  }

  @Test
  void inFlightRequestsAndParkedPulls_duringAStop_answerWithoutWaitingForIt() throws Exception {
    BlockingLog log = new BlockingLog(MutationLog.sqlite(dir.resolve("s.db")));
    FerryServer server = builder(log).build().start();
    TestClient client = new TestClient(server.baseUri());
    CompletableFuture<Reply> push =
        client.sendAsync(
            client.post("/v1/push", TOKEN, Pushes.range("r", 1, "p", 1, 1).getBytes()).build());
    assertTrue(log.entered.await(30, TimeUnit.SECONDS));
    CompletableFuture<Void> stopping =
        CompletableFuture.runAsync(() -> server.stop(Duration.ofSeconds(60)));
    Await.until(
        "the stop began",
        () -> {
          try {
            return client.send(client.get("/v1/health", null).build()).status() == 503;
          } catch (RuntimeException connectionClosed) {
            return true;
          }
        });

    int inFlight =
        CompletableFuture.supplyAsync(server::inFlightRequests).get(10, TimeUnit.SECONDS);
    int parked = CompletableFuture.supplyAsync(server::parkedPulls).get(10, TimeUnit.SECONDS);

    // A 503 counts until its write completes, which may be just after the client has read it.
    assertTrue(inFlight >= 1, "the blocked push");
    Await.until("only the blocked push is in flight", () -> server.inFlightRequests() == 1);
    assertEquals(0, parked);
    log.release.countDown();
    assertEquals(200, push.get(30, TimeUnit.SECONDS).status());
    stopping.get(30, TimeUnit.SECONDS);
  }

  @Test
  void overload_beyondWorkersAndQueue_refusesTheExcessAndServesTheRest() throws Exception {
    BlockingLog log = new BlockingLog(MutationLog.sqlite(dir.resolve("s.db")));
    ServerLimits tiny = ServerLimits.builder().workerThreads(1).queueCapacity(1).build();
    try (FerryServer server = builder(log).limits(tiny).build().start()) {
      TestClient client = new TestClient(server.baseUri());
      CompletableFuture<Reply> running =
          client.sendAsync(
              client.post("/v1/push", TOKEN, Pushes.range("r", 1, "p", 1, 1).getBytes()).build());
      assertTrue(log.entered.await(30, TimeUnit.SECONDS));

      // The only permit is taken: of three more requests one waits on the worker thread, one in
      // the queue, the third is answered 503 overloaded at once. Health needs no worker.
      List<CompletableFuture<Reply>> pulls = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        pulls.add(client.pullAsync(TOKEN, 0, 10, 0));
      }
      Reply refused = CompletableFuture.anyOf(pulls.toArray(CompletableFuture[]::new))
          .thenApply(r -> (Reply) r).get(30, TimeUnit.SECONDS);
      assertEquals(503, refused.status(), refused.text());
      assertEquals("overloaded", refused.error().errorCode());
      assertEquals("1", refused.retryAfter());
      assertEquals(200, client.send(client.get("/v1/health", null).build()).status());
      log.release.countDown();

      assertEquals(200, running.get(30, TimeUnit.SECONDS).status());
      int served = 0;
      for (CompletableFuture<Reply> p : pulls) {
        served += p.get(30, TimeUnit.SECONDS).status() == 200 ? 1 : 0;
      }
      assertEquals(2, served, "the waiting pulls are served once the permit is free");
    }
  }

  /** Delegates to a real log, but holds the first append until released. */
  private static final class BlockingLog extends ForwardingLog {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    BlockingLog(MutationLog delegate) {
      super(delegate);
    }

    @Override
    public AppendResult append(
        String tenant,
        String principal,
        String replicaId,
        long epoch,
        List<PushMutation> ms,
        Instant at) {
      entered.countDown();
      try {
        release.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StorageException("interrupted", e);
      }
      return super.append(tenant, principal, replicaId, epoch, ms, at);
    }
  }

  private static final class ClosingLog extends ForwardingLog {
    final AtomicBoolean closed = new AtomicBoolean();

    ClosingLog(MutationLog delegate) {
      super(delegate);
    }

    @Override
    public void close() {
      closed.set(true);
      super.close();
    }
  }

  private static class ForwardingLog implements MutationLog {
    private final MutationLog delegate;

    ForwardingLog(MutationLog delegate) {
      this.delegate = delegate;
    }

    @Override
    public AppendResult append(
        String tenant,
        String principal,
        String replicaId,
        long epoch,
        List<PushMutation> ms,
        Instant at) {
      return delegate.append(tenant, principal, replicaId, epoch, ms, at);
    }

    @Override
    public PullResponse read(String tenant, ProjectSet readable, long since, int limit) {
      return delegate.read(tenant, readable, since, limit);
    }

    @Override
    public PullResponse read(
        String tenant, ProjectSet readable, long since, int limit, long maxBytes) {
      return delegate.read(tenant, readable, since, limit, maxBytes);
    }

    @Override
    public Map<Long, AppendResult.Entry> findStored(
        String tenant, String principal, String replicaId, List<PushMutation> mutations) {
      return delegate.findStored(tenant, principal, replicaId, mutations);
    }

    @Override
    public void addCommitListener(CommitListener listener) {
      delegate.addCommitListener(listener);
    }

    @Override
    public String describe() {
      return delegate.describe();
    }

    @Override
    public void close() {
      delegate.close();
    }
  }
}
