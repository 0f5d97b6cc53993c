package dev.ferry.core.internal;

/**
 * Ends a cycle early without it counting as a failure: the manager is stopping, a pause reason was
 * set, or the lease was found lost at a checkpoint. Carries no stack trace; the three instances are
 * shared.
 */
public final class CycleAbort extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Why the cycle stopped. */
  public enum Why {
    STOPPED,
    PAUSED,
    LEASE_LOST
  }

  static final CycleAbort STOPPED = new CycleAbort(Why.STOPPED);
  static final CycleAbort PAUSED = new CycleAbort(Why.PAUSED);
  static final CycleAbort LEASE_LOST = new CycleAbort(Why.LEASE_LOST);

  private final Why why;

  private CycleAbort(Why why) {
    super("cycle aborted: " + why, null, false, false);
    this.why = why;
  }

  public Why why() {
    return why;
  }
}
