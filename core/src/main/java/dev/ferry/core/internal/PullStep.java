package dev.ferry.core.internal;

import dev.ferry.store.ApplyResult;
import dev.ferry.store.FencedWriter;
import dev.ferry.transport.SyncTransport;
import dev.ferry.transport.wire.PullResponse;
import java.time.Duration;

/**
 * Pulls pages after the cursor until the server says {@code has_more: false}, applying each page
 * together with the cursor advance in one fenced transaction ({@link FencedWriter#applyPage}), so a
 * crash or a lost lease never leaves a page half-applied or the cursor ahead of what was applied.
 * Not thread-safe: one cycle at a time.
 */
public final class PullStep {

  /** What the step did. */
  public static final class Outcome {
    int pulled;
    int applied;
    int pages;
    int quarantined;
    long cursor;
    long serverLatestSeq;

    public int pulled() {
      return pulled;
    }

    public int applied() {
      return applied;
    }

    public int pages() {
      return pages;
    }

    /** Pulled mutations moved to the inbound quarantine. */
    public int quarantined() {
      return quarantined;
    }

    /** The cursor after the last applied page. */
    public long cursor() {
      return cursor;
    }

    public long serverLatestSeq() {
      return serverLatestSeq;
    }
  }

  private final SyncTransport transport;
  private final int pageSize;
  private final CallGuard calls;

  public PullStep(SyncTransport transport, int pageSize, CallGuard calls) {
    this.transport = transport;
    this.pageSize = pageSize;
    this.calls = calls;
  }

  /**
   * Pulls and applies pages from {@code cursor} until caught up.
   *
   * @param checkpoint runs before each page; throws to stop the step
   * @param outcome collects the counts, also when the step throws half-way
   */
  public void run(FencedWriter writer, long cursor, Runnable checkpoint, Outcome outcome) {
    outcome.cursor = cursor;
    while (true) {
      checkpoint.run();
      long since = outcome.cursor;
      PullResponse page = calls.call(() -> transport.pull(since, pageSize, Duration.ZERO));
      outcome.serverLatestSeq = Math.max(outcome.serverLatestSeq, page.latestSeq());
      if (page.mutations().isEmpty()) {
        return;
      }
      apply(writer, page, outcome);
      if (!page.hasMore()) {
        return;
      }
    }
  }

  /**
   * Applies one page (also a long-poll's). The page may start below the current cursor, e.g. a
   * long-poll issued before a regular pull moved the cursor: it still holds every mutation after
   * its {@code since} up to its last seq, so the store skipping those at or below the cursor leaves
   * exactly the new ones.
   */
  public void apply(FencedWriter writer, PullResponse page, Outcome outcome) {
    WireMapping.Page mapped = WireMapping.toRemote(page.mutations());
    ApplyResult r = writer.applyPage(mapped.mutations(), mapped.unmappable(), page.latestSeq());
    outcome.pages++;
    outcome.pulled += r.pulled();
    outcome.applied += r.applied();
    outcome.quarantined += r.quarantined();
    outcome.cursor = Math.max(outcome.cursor, r.cursor());
    outcome.serverLatestSeq = Math.max(outcome.serverLatestSeq, page.latestSeq());
  }
}
