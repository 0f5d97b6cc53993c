package dev.ferry.store.internal;

import dev.ferry.store.LeaseInfo;
import dev.ferry.store.StoreStatus;
import dev.ferry.store.TargetState;
import java.util.Collections;
import java.util.TreeSet;

/** Assembles a {@link StoreStatus} inside one read transaction. */
public final class StatusReader {

  private StatusReader() {}

  /** Everything about {@code target}, from one snapshot. */
  public static StoreStatus read(Db db, String target) {
    return db.read("reading the status of target " + target, tx -> {
      TargetDao targets = tx.handle().attach(TargetDao.class);
      TargetState state = targets.state(target).orElseGet(() -> TargetState.initial(target));
      LeaseInfo lease = tx.handle().attach(LeaseDao.class).current(target).map(r -> r.at(tx.now())).orElse(null);
      return new StoreStatus(
          ReplicaIds.current(tx),
          tx.now(),
          state,
          lease,
          OutboxQueries.pendingCount(tx, target),
          OutboxQueries.oldestPendingCreatedAt(tx, target),
          OutboxQueries.quarantinedCount(tx, target),
          OutboxQueries.nonEnrolledPendingByProject(tx, target),
          Collections.unmodifiableSet(new TreeSet<>(targets.enrolled(target))),
          Collections.unmodifiableSet(new TreeSet<>(targets.pauseReasons(target))),
          targets.recentErrors(target),
          InboundQuarantine.count(tx, target),
          InboundQuarantine.keys(tx, target, StoreStatus.MAX_KEYS_SHOWN),
          ReplicaIds.lastReset(tx));
    });
  }
}
