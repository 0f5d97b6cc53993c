package dev.ferry.store;

import dev.ferry.store.internal.Checks;

/**
 * A target's lease as read at one moment.
 *
 * @param owner who took it last (held or not), e.g. {@code host/1234/9f3a}
 * @param epoch the fencing epoch, rising by one whenever the owner changes
 * @param expiresAtMillis when it lapses unless renewed, epoch milliseconds of the store's clock
 * @param held whether it had not yet expired when it was read
 */
public record LeaseInfo(String target, String owner, long epoch, long expiresAtMillis, boolean held) {

  /** @throws IllegalArgumentException for blank names or an epoch below 1 */
  public LeaseInfo {
    Checks.text(target, "target");
    Checks.text(owner, "owner");
    Checks.positive(epoch, "epoch");
  }

  /** Whether {@code owner} held this lease when it was read. */
  public boolean isHeldBy(String owner) {
    return held && this.owner.equals(owner);
  }

  /** The fencing token for writes made under this lease. */
  public Fence fence() {
    return new Fence(target, owner, epoch);
  }
}
