package dev.ferry.core.internal;

import dev.ferry.store.ApplyResult;
import dev.ferry.store.FencedWriter;
import dev.ferry.transport.SyncTransport;
import dev.ferry.transport.wire.PullResponse;
import dev.ferry.transport.wire.PulledMutation;
import java.time.Duration;
import java.util.List;

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

    /** Forgets the cursor and latest seq (the target was reset to a new log); the counts stay. */
    void reset() {
      cursor = 0;
      serverLatestSeq = 0;
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
   * @param guard checks each page's log before it is applied
   * @throws LogResetDetected when a page comes from another log or one behind the cursor; nothing
   *     of that page is applied
   */
  void run(FencedWriter writer, long cursor, Runnable checkpoint, Outcome outcome, LogGuard guard) {
    outcome.cursor = cursor;
    boolean verify = guard.anchored();
    while (true) {
      checkpoint.run();
      // The first page starts one below the cursor, so the guard sees what the log holds there.
      long since = verify ? outcome.cursor - 1 : outcome.cursor;
      PullResponse page = calls.call(() -> transport.pull(since, pageSize, Duration.ZERO));
      guard.check("pull", page.logId(), page.latestSeq());
      if (verify) {
        guard.checkAnchor(page);
        verify = false;
      }
      outcome.serverLatestSeq = Math.max(outcome.serverLatestSeq, page.latestSeq());
      List<PulledMutation> got = page.mutations();
      if (got.isEmpty() || got.get(got.size() - 1).seq() <= outcome.cursor) {
        // Nothing above the cursor (at most the anchor): no write transaction for it.
        if (!page.hasMore()) {
          return;
        }
        continue;
      }
      apply(writer, page, outcome);
      guard.advanced(outcome.cursor);
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
