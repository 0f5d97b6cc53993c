package dev.ferry.store;

/**
 * The host's {@link MutationApplier} threw while applying a pulled page (with the shadows released
 * at its start), or while resetting its synced state ({@link FencedWriter#resetToLog}, server seq
 * 0). The whole transaction was rolled back: no document, shadow, host write or cursor move of it
 * remains. The cause is the applier's exception. An ack, quarantine or drop keeps a shadow the
 * applier failed on for the next page instead of throwing it.
 */
public final class ApplyFailedException extends StoreException {

  private static final long serialVersionUID = 1L;

  private final long serverSeq;

  /**
   * @param serverSeq the server seq of the first mutation handed to the applier call that failed
   * @param message what was being applied
   * @param cause what the applier threw
   */
  public ApplyFailedException(long serverSeq, String message, Throwable cause) {
    super(Kind.APPLY_FAILED, message, cause);
    this.serverSeq = serverSeq;
  }

  /** The server seq of the first mutation in the failed applier call (0 when unknown). */
  public long serverSeq() {
    return serverSeq;
  }
}
