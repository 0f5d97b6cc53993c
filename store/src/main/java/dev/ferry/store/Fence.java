package dev.ferry.store;

import dev.ferry.store.internal.Checks;

/**
 * The fencing token of a held lease: who holds it and at which epoch. Every write of the sync
 * loop carries one and is refused ({@link LeaseLostException}) once another owner has taken the
 * lease or it has expired.
 *
 * @param epoch the lease epoch, 1 or more; it rises whenever the owner changes
 */
public record Fence(String target, String owner, long epoch) {

  /** @throws IllegalArgumentException for blank names or an epoch below 1 */
  public Fence {
    Checks.text(target, "target");
    Checks.text(owner, "owner");
    Checks.positive(epoch, "epoch");
  }
}
