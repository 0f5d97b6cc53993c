package dev.ferry.store;

import dev.ferry.store.internal.Checks;

/**
 * The last time this file took a fresh replica id ({@link SyncStore#resetReplicaId}, or the sync
 * loop on finding that another history uses its id).
 *
 * @param previousId the id given up
 * @param atMillis when (store clock, epoch ms)
 * @param reason why, for people
 * @param resets how many times the file took a fresh id, all time
 */
public record ReplicaReset(String previousId, long atMillis, String reason, int resets) {

  /** @throws IllegalArgumentException for a blank id or reason, or fewer than 1 reset */
  public ReplicaReset {
    Checks.text(previousId, "previousId");
    Checks.notNull(reason, "reason");
    Checks.positive(resets, "resets");
  }
}
