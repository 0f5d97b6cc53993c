package dev.ferry.cli.readme;

import dev.ferry.core.SyncConfig;
import dev.ferry.core.SyncManager;
import dev.ferry.store.ApplyContext;
import dev.ferry.store.MutationApplier;
import dev.ferry.store.MutationDraft;
import dev.ferry.store.RemoteMutation;
import dev.ferry.store.SyncStore;
import dev.ferry.transport.HttpSyncTransport;
import java.nio.file.Path;

// The README's embedding example, verbatim between the markers (ReadmeTest checks it), so that
// it compiles and runs against the real server in NotesAppTest and cannot rot.
// README begin
/** A notes application that keeps its notes in SQLite and syncs them through Ferry. */
public final class NotesApp implements AutoCloseable {

  private static final String UPSERT =
      "INSERT INTO notes (id, body) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET body = excluded.body";

  private final SyncStore store;
  private final HttpSyncTransport transport;
  private final SyncManager sync;

  public NotesApp(Path file, String serverUrl, String token) {
    store = SyncStore.open(file); // your SQLite file; Ferry adds its own ferry_* tables
    store.jdbi().useHandle(h -> h.execute("CREATE TABLE IF NOT EXISTS notes (id TEXT PRIMARY KEY, body TEXT)"));
    transport = HttpSyncTransport.builder().baseUrl(serverUrl).token(token).build();
    sync = SyncManager.create(store, transport, new NotesApplier(), SyncConfig.defaults());
    sync.start();
  }

  /** A local write: the note and its mutation commit in one transaction, then Ferry is told. */
  public void saveNote(String id, String json) {
    store.jdbi().useTransaction(h -> {
      h.execute(UPSERT, id, json);
      store.outbox().record(h, MutationDraft.upsert("notes", "note", id, json));
    });
    sync.notifyDirty(); // after the commit; never blocks
  }

  /** What sync is doing, for your status page or health check. */
  public String syncStatus() {
    return sync.statusJson();
  }

  @Override
  public void close() {
    sync.close(); // releases the lease
    transport.close();
    store.close();
  }

  /** Writes other replicas' notes into the table, in the transaction that moves Ferry's cursor. */
  static final class NotesApplier implements MutationApplier {
    @Override
    public void apply(ApplyContext context, RemoteMutation m) {
      if (m.op().equals(MutationDraft.DELETE)) {
        context.handle().execute("DELETE FROM notes WHERE id = ?", m.entityKey());
      } else {
        context.handle().execute(UPSERT, m.entityKey(), m.payloadJson());
      }
    }

    @Override
    public String id() {
      return "notes-app.notes"; // a stable name: the target remembers which applier it was set up with
    }
  }
}
// README end
