package dev.ferry.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.transport.TransportException.Kind;
import dev.ferry.transport.wire.PullResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** close() and interrupts end calls, retry waits and token refreshes promptly. */
class HttpSyncTransportCancellationTest {

  /** Far longer than any deadline below, so finishing in time proves the call was cut short. */
  private static final Duration LONG_POLL = Duration.ofSeconds(25);

  /**
   * The requirement is a long-poll returning within a second of {@code close()}; the extra half
   * second is for this shared 2-core machine under load, where the woken caller thread may wait
   * for a core. A regression (the call running out its 25 s wait, or a retry) misses it by far.
   */
  private static final Duration CLOSE_BOUND = Duration.ofMillis(1_500);

  private static final Duration DEADLINE = Duration.ofSeconds(10);

  @StartStop private final MockWebServer server = new MockWebServer();

  private final CountDownLatch release = new CountDownLatch(1);
  private final CountDownLatch arrived = new CountDownLatch(1);
  private HttpSyncTransport transport;

  /** Holds every request until the test ends, like a long-poll with nothing new. */
  private void holdRequests() {
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
            arrived.countDown();
            release.await(60, TimeUnit.SECONDS);
            return Wire.ok(Wire.page(false));
          }
        });
  }

  private HttpSyncTransport.Builder builder() {
    return HttpSyncTransport.builder().baseUrl(server.url("/")).token("t-1");
  }

  @AfterEach
  void tearDown() {
    release.countDown();
    if (transport != null) {
      transport.close();
    }
  }

  /** Runs a call on its own thread and remembers that thread. */
  private static final class Caller<T> {
    final CompletableFuture<T> result = new CompletableFuture<>();
    final AtomicBoolean interruptedAfter = new AtomicBoolean();
    final AtomicLong returnedAtNanos = new AtomicLong();
    final Thread thread;

    Caller(Supplier<T> call) {
      thread =
          new Thread(
              () -> {
                try {
                  result.complete(call.get());
                } catch (Throwable t) {
                  result.completeExceptionally(t);
                } finally {
                  returnedAtNanos.set(System.nanoTime());
                  interruptedAfter.set(Thread.currentThread().isInterrupted());
                }
              },
              "test-caller");
      thread.start();
    }

    TransportException failure() throws Exception {
      ExecutionException e =
          assertThrows(
              ExecutionException.class, () -> result.get(DEADLINE.toSeconds(), TimeUnit.SECONDS));
      thread.join(DEADLINE.toMillis());
      return assertInstanceOf(TransportException.class, e.getCause());
    }
  }

  @Test
  void pull_longPollBlocked_closeEndsItCancelledWithinASecond() throws Exception {
    holdRequests();
    transport = builder().build();
    Caller<PullResponse> caller = new Caller<>(() -> transport.pull(0, 100, LONG_POLL));
    assertTrue(arrived.await(DEADLINE.toSeconds(), TimeUnit.SECONDS));

    long closedAtNanos = System.nanoTime();
    transport.close();

    TransportException e = caller.failure();
    Duration returnedAfter = Duration.ofNanos(caller.returnedAtNanos.get() - closedAtNanos);
    assertTrue(
        returnedAfter.compareTo(CLOSE_BOUND) <= 0,
        "pull returned " + returnedAfter.toMillis() + " ms after close()");
    assertEquals(Kind.CANCELLED, e.kind());
    assertEquals(1, server.getRequestCount(), "a cancelled call is not retried");
  }

  @Test
  void pull_longPollBlocked_interruptEndsItCancelledAndKeepsFlag() throws Exception {
    holdRequests();
    transport = builder().build();
    Caller<PullResponse> caller = new Caller<>(() -> transport.pull(0, 100, LONG_POLL));
    assertTrue(arrived.await(DEADLINE.toSeconds(), TimeUnit.SECONDS));

    caller.thread.interrupt();

    TransportException e = caller.failure();
    assertEquals(Kind.CANCELLED, e.kind());
    assertTrue(caller.interruptedAfter.get(), "interrupt flag restored");
  }

  @Test
  void push_closeDuringRetryWait_endsTheWaitCancelled() throws Exception {
    server.setDispatcher(
        Wire.always(
            Wire.error(503, "unavailable", "busy", "busy")
                .newBuilder()
                .setHeader("Retry-After", "20")
                .build()));
    transport = builder().maxRetryAfter(Duration.ofSeconds(30)).build();
    Caller<?> caller = new Caller<>(() -> transport.push(Wire.push(1)));
    Await.until(
        "the caller to wait for its retry",
        DEADLINE,
        () -> server.getRequestCount() == 1 && caller.thread.getState() == Thread.State.TIMED_WAITING);

    transport.close();

    TransportException e = caller.failure();
    assertEquals(Kind.CANCELLED, e.kind());
    assertTrue(e.getMessage().contains("waiting to retry"), e.getMessage());
    assertEquals(1, server.getRequestCount());
  }

  @Test
  void push_interruptDuringRetryWait_failsCancelledAndKeepsFlag() throws Exception {
    server.setDispatcher(
        Wire.always(
            Wire.error(429, "rate_limited", "slow", "slow")
                .newBuilder()
                .setHeader("Retry-After", "20")
                .build()));
    transport = builder().maxRetryAfter(Duration.ofSeconds(30)).build();
    Caller<?> caller = new Caller<>(() -> transport.push(Wire.push(1)));
    Await.until(
        "the caller to wait for its retry",
        DEADLINE,
        () -> server.getRequestCount() == 1 && caller.thread.getState() == Thread.State.TIMED_WAITING);

    caller.thread.interrupt();

    TransportException e = caller.failure();
    assertEquals(Kind.CANCELLED, e.kind());
    assertTrue(caller.interruptedAfter.get(), "interrupt flag restored");
  }

  @Test
  void push_closeDuringTokenRefresh_failsCancelledAndInterruptsTheProvider() throws Exception {
    server.setDispatcher(Wire.always(Wire.error(401, "auth", "token_expired", "expired")));
    CountDownLatch refreshing = new CountDownLatch(1);
    CountDownLatch providerInterrupted = new CountDownLatch(1);
    transport =
        builder()
            .tokenProvider(
                refresh -> {
                  if (!refresh) {
                    return "old";
                  }
                  refreshing.countDown();
                  try {
                    new CountDownLatch(1).await(60, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    providerInterrupted.countDown();
                    Thread.currentThread().interrupt();
                  }
                  return "fresh";
                })
            .build();
    Caller<?> caller = new Caller<>(() -> transport.push(Wire.push(1)));
    assertTrue(refreshing.await(DEADLINE.toSeconds(), TimeUnit.SECONDS));

    transport.close();

    TransportException e = caller.failure();
    assertEquals(Kind.CANCELLED, e.kind());
    assertTrue(providerInterrupted.await(DEADLINE.toSeconds(), TimeUnit.SECONDS));
    assertEquals(1, server.getRequestCount());
  }

  @Test
  void push_interruptDuringTokenRefresh_failsCancelledAndKeepsFlag() throws Exception {
    server.setDispatcher(Wire.always(Wire.error(401, "auth", "token_expired", "expired")));
    CountDownLatch refreshing = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    transport =
        builder()
            .tokenProvider(
                refresh -> {
                  if (refresh) {
                    refreshing.countDown();
                    try {
                      never.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  }
                  return "tok";
                })
            .build();
    Caller<?> caller = new Caller<>(() -> transport.push(Wire.push(1)));
    assertTrue(refreshing.await(DEADLINE.toSeconds(), TimeUnit.SECONDS));

    caller.thread.interrupt();

    assertEquals(Kind.CANCELLED, caller.failure().kind());
    assertTrue(caller.interruptedAfter.get(), "interrupt flag restored");
  }

  @Test
  void closedTransport_refusesNewCallsWithoutSending() {
    transport = builder().build();
    transport.close();
    transport.close(); // idempotent

    TransportException e = assertThrows(TransportException.class, () -> transport.whoami());

    assertEquals(Kind.CANCELLED, e.kind());
    assertEquals(0, server.getRequestCount());
  }

  @Test
  void interruptedCaller_failsCancelledWithoutSending() {
    transport = builder().build();
    Thread.currentThread().interrupt();
    try {
      TransportException e = assertThrows(TransportException.class, () -> transport.whoami());
      assertEquals(Kind.CANCELLED, e.kind());
      assertTrue(Thread.currentThread().isInterrupted(), "flag left set");
    } finally {
      Thread.interrupted();
    }
    assertEquals(0, server.getRequestCount());
  }

  @Test
  void close_leavesOtherTransportsOnSharedClientAlone() throws Exception {
    CountDownLatch firstHeld = new CountDownLatch(1);
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
            firstHeld.countDown();
            release.await(60, TimeUnit.SECONDS);
            return Wire.ok(Wire.page(false, 1));
          }
        });
    OkHttpClient shared = new OkHttpClient();
    transport = builder().okHttpClient(shared).build();
    HttpSyncTransport other = builder().okHttpClient(shared).build();
    Caller<PullResponse> caller = new Caller<>(() -> transport.pull(0, 10, LONG_POLL));
    assertTrue(firstHeld.await(DEADLINE.toSeconds(), TimeUnit.SECONDS));

    other.close();
    release.countDown();

    PullResponse page = caller.result.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    assertNotNull(page);
    assertEquals(1, page.mutations().size());
  }
}
