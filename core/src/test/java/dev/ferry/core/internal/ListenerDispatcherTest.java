package dev.ferry.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ferry.core.Await;
import dev.ferry.core.Phase;
import dev.ferry.core.SyncStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ListenerDispatcherTest {

  private final List<Phase> seen = new CopyOnWriteArrayList<>();
  private final ListenerDispatcher dispatcher = new ListenerDispatcher(ListenerDispatcherTest::status, "test-listeners");

  private static SyncStatus status(LiveState s) {
    return new SyncStatus("cloud", "replica", Instant.EPOCH, true, s.phase(), null, null, null, 0, null, null, null, 0,
        null, 0, Map.of(), 0, 0, null, null, false, Set.of(), 0, 0, 0, 0, List.of(), 0, Map.of(), null);
  }

  @AfterEach
  void close() {
    dispatcher.shutdown(TimeUnit.SECONDS.toNanos(5));
  }

  @Test
  void aListenerThrowingAnError_isLoggedAndTheOthersAndLaterChangesStillArrive() {
    dispatcher.add(s -> {
      throw new AssertionError("a broken listener");
    });
    dispatcher.add(s -> seen.add(s.phase()));
    dispatcher.add(s -> {
      throw new StackOverflowError("another broken listener");
    });
    dispatcher.publish(LiveState.initial().withPhase(Phase.PUSHING, null, null));
    dispatcher.publish(LiveState.initial().withPhase(Phase.HEALTHY, null, null));
    Await.until("both changes delivered", () -> seen.size() == 2);
    assertEquals(List.of(Phase.PUSHING, Phase.HEALTHY), seen);
  }
}
