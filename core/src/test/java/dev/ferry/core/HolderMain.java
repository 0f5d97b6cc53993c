package dev.ferry.core;

import dev.ferry.store.DocumentApplier;
import dev.ferry.store.MutationDraft;
import dev.ferry.store.SyncStore;
import dev.ferry.transport.HttpSyncTransport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The other process of {@link SyncManagerTwoProcessTest}: runs a manager on the shared file, prints {@code
 * HOLDING} once it holds the lease, then writes a document every few milliseconds until it is
 * killed. Arguments: database file, server URL, lease TTL in ms.
 */
public final class HolderMain {

  private HolderMain() {}

  public static void main(String[] args) {
    Path db = Path.of(args[0]);
    SyncStore store = SyncStore.open(db);
    HttpSyncTransport transport = HttpSyncTransport.builder().baseUrl(args[1]).token(Cluster.TOKEN).build();
    SyncManager manager = SyncManager.create(store, transport, new DocumentApplier(),
        Cluster.config().owner("holder-jvm").leaseTtl(Duration.ofMillis(Long.parseLong(args[2]))).build());
    manager.start();
    while (!manager.status().leaseHeldByMe()) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
    System.out.println("HOLDING");
    System.out.flush();
    for (int n = 0; ; n++) {
      String key = "holder-" + n;
      store.jdbi().useTransaction(h -> store.documents().put(h, MutationDraft.upsert("notes", "doc", key, "{}")));
      manager.notifyDirty();
      if (n % 5 == 0) {
        System.out.println("WROTE " + n);
        System.out.flush();
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(40));
    }
  }
}
