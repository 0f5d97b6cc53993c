package dev.ferry.store;

/**
 * A fenced write found that the caller's {@link Fence} is no longer the current lease (another
 * owner, a newer epoch, or expired). Nothing was written; the sync loop aborts its cycle with
 * reason {@code lease_lost}.
 */
public final class LeaseLostException extends StoreException {

  private static final long serialVersionUID = 1L;

  private final Fence fence;

  /**
   * @param fence the stale fence the write was attempted with
   * @param message what the lease looks like now
   */
  public LeaseLostException(Fence fence, String message) {
    super(Kind.LEASE_LOST, message);
    this.fence = fence;
  }

  /** The fence the refused write carried. */
  public Fence fence() {
    return fence;
  }
}
