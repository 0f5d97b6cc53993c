package dev.ferry.store;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Small builders shared by the store tests. */
final class Fixtures {

  static final String TARGET = MutationDraft.DEFAULT_TARGET;
  static final String OTHER_REPLICA = "replica-other";

  private Fixtures() {}

  static SyncStore open(Path dir, TestClock clock) {
    return SyncStore.open(dir.resolve("app.db"), StoreConfig.builder().clock(clock).build());
  }

  static RemoteMutation remote(long seq, String key, String payload) {
    return new RemoteMutation(seq, OTHER_REPLICA, seq, "notes", "note", key, "upsert", payload, 1L, 2L);
  }

  static RemoteMutation remoteDelete(long seq, String key) {
    return new RemoteMutation(seq, OTHER_REPLICA, seq, "notes", "note", key, "delete", "null", 1L, 2L);
  }

  static RemoteMutation own(SyncStore store, long seq, long clientSeq, String key, String payload) {
    return new RemoteMutation(seq, store.replicaId(), clientSeq, "notes", "note", key, "upsert", payload, 1L, 2L);
  }

  static List<RemoteMutation> page(long firstSeq, int count) {
    List<RemoteMutation> page = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      long seq = firstSeq + i;
      page.add(remote(seq, "k-" + seq, "{\"n\":" + seq + "}"));
    }
    return page;
  }

  static MutationDraft note(String key, String payload) {
    return MutationDraft.upsert("notes", "note", key, payload);
  }

  /** Takes the lease for a fresh owner and returns its fence. */
  static Fence lease(SyncStore store) {
    LeaseInfo info = store.leases().acquire(TARGET, "owner-" + System.nanoTime(), Duration.ofMinutes(1));
    if (!info.held()) {
      throw new AssertionError("lease not acquired: " + info);
    }
    return info.fence();
  }

  /** Turns a file back into what schema version 1 left (the tables of later versions gone). */
  static void backToSchema1(org.jdbi.v3.core.Handle h) {
    h.execute("DROP TABLE ferry_released");
    dropSchema3(h);
    h.execute("UPDATE ferry_meta SET value = '1' WHERE key = 'schema_version'");
  }

  /** Records a mutation in its own host transaction. */
  static long record(SyncStore store, MutationDraft draft) {
    return store.jdbi().inTransaction(h -> store.outbox().record(h, draft));
  }

  /** Takes back what schema 3 added, to fake an older file (the caller sets the version). */
  static void dropSchema3(org.jdbi.v3.core.Handle h) {
    for (String column : List.of("push_failures", "push_backoff_until", "pull_failures", "pull_backoff_until")) {
      h.execute("ALTER TABLE ferry_targets DROP COLUMN " + column);
    }
    h.execute("ALTER TABLE ferry_targets DROP COLUMN log_id");
    h.execute("ALTER TABLE ferry_targets DROP COLUMN cursor_anchor");
    h.execute("DROP TABLE ferry_inbound_quarantine");
    h.execute("DROP TABLE ferry_inbound_attempts");
    h.execute("DROP TABLE ferry_former_replica_ids");
    h.execute("ALTER TABLE ferry_leases DROP COLUMN lock_held");
  }
}
