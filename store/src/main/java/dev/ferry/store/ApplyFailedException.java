package dev.ferry.store;

/**
 * The host's {@link MutationApplier} failed while applying a pulled page. Either the whole page
 * was rolled back (a transient failure such as a busy database, or one no single mutation causes:
 * no document, shadow, host write or cursor move of it remains), or the mutations before the one
 * that failed were applied and committed and the cursor stops just before it ({@link #serverSeq()}
 * names it; after {@value Inbox#MAX_APPLY_ATTEMPTS} such failures it is quarantined instead, see
 * {@link Inbox}). The cause is the applier's exception. Only {@link FencedWriter#applyPage} throws
 * it (and {@link FencedWriter#resetToLog}, with server seq 0, when the applier's reset throws;
 * then nothing changed); an ack, quarantine or drop keeps a shadow the applier failed on for the next page.
 */
public final class ApplyFailedException extends StoreException {

  private static final long serialVersionUID = 1L;

  private final long serverSeq;

  /**
   * @param serverSeq the server seq of the mutation that failed, or of the page's first one
   * @param message what was being applied
   * @param cause what the applier threw
   */
  public ApplyFailedException(long serverSeq, String message, Throwable cause) {
    super(Kind.APPLY_FAILED, message, cause);
    this.serverSeq = serverSeq;
  }

  /** The server seq of the mutation that failed, or of the page's first when none alone (0 when unknown). */
  public long serverSeq() {
    return serverSeq;
  }
}
