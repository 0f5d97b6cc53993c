package dev.ferry.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.transport.TransportException;
import java.time.Duration;
import java.util.concurrent.FutureTask;
import okhttp3.Call;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.junit.jupiter.api.Test;

class CallTrackerTest {

  private final Call call =
      new OkHttpClient().newCall(new Request.Builder().url("http://127.0.0.1:9/").build());

  @Test
  void close_cancelsTrackedCallsAndTasks() {
    CallTracker tracker = new CallTracker();
    FutureTask<String> task = new FutureTask<>(() -> "x");
    tracker.track(call);
    tracker.track(task);

    tracker.close();

    assertTrue(call.isCanceled());
    assertTrue(task.isCancelled());
  }

  @Test
  void trackAfterClose_cancelsAtOnce() {
    CallTracker tracker = new CallTracker();
    tracker.close();

    tracker.track(call);

    assertTrue(call.isCanceled());
  }

  @Test
  void untrackedCall_isLeftAlone() {
    CallTracker tracker = new CallTracker();
    tracker.track(call);
    tracker.untrack(call);

    tracker.close();

    assertTrue(!call.isCanceled());
  }

  @Test
  void awaitClose_returnsOnceClosed() throws Exception {
    CallTracker tracker = new CallTracker();
    tracker.close();

    tracker.awaitClose(Duration.ofDays(1)); // would hang if the close did not wake it

    TransportException e = assertThrows(TransportException.class, () -> tracker.checkUsable("push"));
    assertEquals(TransportException.Kind.CANCELLED, e.kind());
  }
}
