package dev.ferry.store;

import dev.ferry.store.internal.Checks;

/**
 * What one {@link FencedWriter#applyPage} did. Every mutation of the page above the old cursor is
 * counted in exactly one of {@code applied - releasedShadows}, {@code ownEchoes}, {@code shadowed},
 * {@code superseded} and {@code quarantined}.
 *
 * @param applied mutations handed to the applier, including released shadows
 * @param ownEchoes this replica's own mutations coming back, not applied because the local tables
 *     hold them (echoes of requeued or dropped writes go on like remote ones and count there)
 * @param shadowed remote mutations held back because a local write of the same key is pending;
 *     each is kept as the key's shadow until the protection lifts
 * @param superseded remote mutations dropped because an acked local write of the key has a higher
 *     server seq (the local write wins in server order)
 * @param skippedAtOrBelowCursor mutations at or below the cursor, ignored
 * @param releasedShadows shadows of earlier pages applied now because their protection lifted
 * @param cursor the cursor after the page ({@code last_pulled_seq})
 * @param quarantined mutations moved to the inbound quarantine ({@link Inbox}) instead of applied:
 *     poison, failed too often, or unmappable
 */
public record ApplyResult(
    int applied,
    int ownEchoes,
    int shadowed,
    int superseded,
    int skippedAtOrBelowCursor,
    int releasedShadows,
    long cursor,
    int quarantined) {

  /** @throws IllegalArgumentException for negative counts */
  public ApplyResult {
    Checks.notNegative(applied, "applied");
    Checks.notNegative(ownEchoes, "ownEchoes");
    Checks.notNegative(shadowed, "shadowed");
    Checks.notNegative(superseded, "superseded");
    Checks.notNegative(skippedAtOrBelowCursor, "skippedAtOrBelowCursor");
    Checks.notNegative(releasedShadows, "releasedShadows");
    Checks.notNegative(cursor, "cursor");
    Checks.notNegative(quarantined, "quarantined");
  }

  /** A result without quarantined mutations. */
  public ApplyResult(int applied, int ownEchoes, int shadowed, int superseded, int skippedAtOrBelowCursor,
      int releasedShadows, long cursor) {
    this(applied, ownEchoes, shadowed, superseded, skippedAtOrBelowCursor, releasedShadows, cursor, 0);
  }

  /** Mutations of the page above the old cursor ({@code pulled} in the totals). */
  public int pulled() {
    return applied - releasedShadows + ownEchoes + shadowed + superseded + quarantined;
  }
}
