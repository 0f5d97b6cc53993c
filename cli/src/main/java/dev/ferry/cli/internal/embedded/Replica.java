package dev.ferry.cli.internal.embedded;

import dev.ferry.core.SyncConfig;
import dev.ferry.core.SyncManager;
import dev.ferry.store.Document;
import dev.ferry.store.MutationApplier;
import dev.ferry.store.MutationDraft;
import dev.ferry.store.SyncStore;
import dev.ferry.transport.HttpSyncTransport;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * One replica in this JVM: its own SQLite file, transport and manager (not started). Closing it
 * stops the manager, then closes the transport and the store.
 */
public final class Replica implements AutoCloseable {

  private final String name;
  private final Path file;
  private final SyncStore store;
  private final HttpSyncTransport transport;
  private final SyncManager manager;

  /** Opens (or creates) {@code file} and makes a manager with {@code applier} and {@code config}. */
  public Replica(String name, Path file, HttpSyncTransport transport, MutationApplier applier, SyncConfig config) {
    this.name = name;
    this.file = file;
    this.transport = transport;
    this.store = SyncStore.open(file);
    try {
      this.manager = SyncManager.create(store, transport, applier, config);
    } catch (RuntimeException e) {
      store.close();
      transport.close();
      throw e;
    }
  }

  public String name() {
    return name;
  }

  public Path file() {
    return file;
  }

  public SyncStore store() {
    return store;
  }

  public SyncManager manager() {
    return manager;
  }

  /**
   * Writes a document and its mutation in one transaction, then notifies the manager.
   *
   * @return the mutation's local seq ({@code client_seq} on the wire)
   */
  public long write(MutationDraft draft) {
    long seq = store.jdbi().inTransaction(h -> store.documents().put(h, draft));
    manager.notifyDirty();
    return seq;
  }

  /** The replica's documents as {@link ServerLog#fold} renders the server's. */
  public Map<String, String> documents() {
    Map<String, String> docs = new TreeMap<>();
    for (Document d : store.documents().listAll()) {
      docs.put(ServerLog.key(d.project(), d.entity(), d.entityKey()),
          d.deleted() ? ServerLog.DELETED : ServerLog.canonical(d.payloadJson()));
    }
    return docs;
  }

  @Override
  public void close() {
    try {
      manager.close();
    } finally {
      try {
        transport.close();
      } finally {
        store.close();
      }
    }
  }
}
