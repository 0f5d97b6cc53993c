package dev.ferry.core.internal;

import dev.ferry.core.Phase;
import dev.ferry.core.ReasonCode;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Holds the manager's {@link LiveState} and hands every change to the {@link ListenerDispatcher}.
 * Changes are serialized by this object's monitor so listeners see them in order; the dispatcher
 * only enqueues under it and calls listeners on its own thread. Thread-safe.
 */
public final class StatusTracker {

  private final ListenerDispatcher dispatcher;
  private LiveState live = LiveState.initial();

  public StatusTracker(ListenerDispatcher dispatcher) {
    this.dispatcher = dispatcher;
  }

  /** The current live state. */
  public synchronized LiveState live() {
    return live;
  }

  /** Applies {@code change}; listeners hear of it when it changed anything. */
  public synchronized void update(UnaryOperator<LiveState> change) {
    LiveState next = change.apply(live);
    if (!next.equals(live)) {
      live = next;
      dispatcher.publish(next);
    }
  }

  /** Pause reasons are set: phase {@code disabled}, reason {@code paused}. */
  public void paused(Set<String> reasons) {
    update(s -> s.withPauses(reasons).withPhase(Phase.DISABLED, StatusAssembler.pausedCode(reasons),
        StatusAssembler.pausedMessage(reasons)));
  }

  /** The last pause reason is gone: phase {@code idle}. */
  public void resumed() {
    update(s -> s.withPauses(Set.of()).withPhase(Phase.IDLE, null, null));
  }

  /** The lease was found lost outside a cycle. */
  public void leaseLost(String message) {
    update(s -> s.withLease(false).withPhase(Phase.IDLE, ReasonCode.LEASE_LOST, message));
  }

  /** The manager stopped: idle, lease given up. */
  public void stopped() {
    update(s -> s.withLease(false).withPhase(Phase.IDLE, null, null));
  }
}
