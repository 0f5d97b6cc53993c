package dev.ferry.store;

import java.util.Objects;

/**
 * Thrown by a {@link MutationApplier} for a pulled mutation it can never apply, however often it is
 * offered (an op it does not know, a payload it cannot read). The store moves that mutation to the
 * inbound quarantine ({@link Inbox}) at once, with this message, applies the rest of the page and
 * moves the cursor past it; an operator retries or skips it there. Throw anything else for a
 * failure that may heal: the mutation is then offered again, and quarantined only after it failed
 * the same way {@value Inbox#MAX_APPLY_ATTEMPTS} times.
 */
public final class PoisonMutationException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final long serverSeq;

  /**
   * @param serverSeq the server seq of the mutation that cannot be applied
   * @param message why, for the operator
   */
  public PoisonMutationException(long serverSeq, String message) {
    super(Objects.requireNonNull(message, "message must not be null"));
    this.serverSeq = serverSeq;
  }

  /** The server seq of the mutation that cannot be applied. */
  public long serverSeq() {
    return serverSeq;
  }
}
