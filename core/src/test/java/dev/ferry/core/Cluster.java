package dev.ferry.core;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.server.FerryServer;
import dev.ferry.server.MutationLog;
import dev.ferry.server.TokenGrant;
import dev.ferry.store.Document;
import dev.ferry.store.DocumentApplier;
import dev.ferry.store.MutationApplier;
import dev.ferry.store.MutationDraft;
import dev.ferry.store.MutationState;
import dev.ferry.store.PendingMutation;
import dev.ferry.store.SyncStore;
import dev.ferry.transport.HttpSyncTransport;
import dev.ferry.transport.wire.PullResponse;
import dev.ferry.transport.wire.PulledMutation;
import dev.ferry.transport.wire.WireJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/** The reference server on loopback and replicas (store + HTTP transport + manager) for end-to-end tests. */
final class Cluster implements AutoCloseable {

  static final String TOKEN = "core-e2e-token-0123456789";

  /** A second principal of the tenant, named "narrow", that may read and write only "notes". */
  static final String NARROW_TOKEN = "core-e2e-narrow-token-0123456789";

  /** One replica: its own SQLite file, transport and manager. */
  record Replica(String name, SyncStore store, HttpSyncTransport transport, SyncManager manager) {

    long write(MutationDraft draft) {
      long seq = store.jdbi().inTransaction(h -> store.documents().put(h, draft));
      manager.notifyDirty();
      return seq;
    }

    /** (project/entity/key) → deleted flag and payload, parsed. */
    Map<String, String> documents() {
      Map<String, String> docs = new TreeMap<>();
      for (Document d : store.documents().listAll()) {
        docs.put(d.project() + "/" + d.entity() + "/" + d.entityKey(), (d.deleted() ? "deleted " : "") + canonical(
            d.payloadJson()));
      }
      return docs;
    }

    List<PendingMutation> rows(MutationState state) {
      return store.outbox().list("cloud", state, 1_000_000);
    }
  }

  private final Path dir;
  private final Path serverDb;
  private final List<Replica> replicas = new ArrayList<>();
  private volatile Supplier<MutationLog> storage;
  private FerryServer server;
  private final int port;

  Cluster(Path dir) {
    this(dir, null);
  }

  /** A cluster whose server stores in {@code storage} (a SQLite file in {@code dir} when null). */
  Cluster(Path dir, @Nullable Supplier<MutationLog> storage) {
    this.dir = dir;
    this.serverDb = dir.resolve("server.db");
    this.storage = storage != null ? storage : () -> MutationLog.sqlite(serverDb);
    this.server = startServer(0);
    this.port = server.port();
  }

  private FerryServer startServer(int onPort) {
    return FerryServer.builder().storage(storage.get()).host("127.0.0.1").port(onPort)
        .grant(TokenGrant.allProjects(TOKEN, "e2e"))
        .grant(new TokenGrant(NARROW_TOKEN, "e2e", "narrow", Set.of("notes"), Set.of("notes")))
        .build().start();
  }

  /** The SQLite file of the server (when it stores in one). */
  Path serverDb() {
    return serverDb;
  }

  /** From the next restart on, the server stores in {@code next} (another database, say). */
  void storage(Supplier<MutationLog> next) {
    this.storage = next;
  }

  URI baseUri() {
    return URI.create("http://127.0.0.1:" + port);
  }

  HttpSyncTransport transport() {
    return HttpSyncTransport.builder().baseUrl(baseUri().toString()).token(TOKEN)
        .retryDelays(Duration.ofMillis(20), Duration.ofMillis(100)).build();
  }

  /** Test settings: quick backoff so a restarted server is found again soon. */
  static SyncConfig.Builder config() {
    return SyncConfig.builder().backoff(Duration.ofMillis(50), Duration.ofMillis(500)).pollInterval(Duration.ofSeconds(5));
  }

  Replica replica(String name) {
    return replica(name, config());
  }

  Replica replica(String name, SyncConfig.Builder config) {
    return replica(name, config, new DocumentApplier());
  }

  Replica replica(String name, SyncConfig.Builder config, MutationApplier applier) {
    SyncStore store = SyncStore.open(dir.resolve(name + ".db"));
    HttpSyncTransport transport = transport();
    SyncManager manager = SyncManager.create(store, transport, applier, config.owner(name).build());
    Replica r = new Replica(name, store, transport, manager);
    replicas.add(r);
    return r;
  }

  /** Stops the server and starts a new one on the same port over the same database file. */
  void stopServer() {
    server.stop(Duration.ofSeconds(1));
  }

  void restartServer() {
    UncheckedIOException last = null;
    for (int attempt = 0; attempt < 50; attempt++) {
      try {
        server = startServer(port);
        return;
      } catch (UncheckedIOException e) {
        last = e;
        java.util.concurrent.locks.LockSupport.parkNanos(100_000_000L);
      }
    }
    throw last;
  }

  /** The whole server log, in seq order. */
  List<PulledMutation> serverLog() {
    try (HttpSyncTransport t = transport()) {
      List<PulledMutation> all = new ArrayList<>();
      long since = 0;
      while (true) {
        PullResponse page = t.pull(since, 1000, Duration.ZERO);
        all.addAll(page.mutations());
        if (page.mutations().isEmpty()) {
          return all;
        }
        since = page.mutations().get(page.mutations().size() - 1).seq();
        if (!page.hasMore()) {
          return all;
        }
      }
    }
  }

  /** The documents every replica must end with: the server log folded in seq order. */
  static Map<String, String> fold(List<PulledMutation> log) {
    Map<String, String> docs = new TreeMap<>();
    for (PulledMutation m : log) {
      String key = m.project() + "/" + m.entity() + "/" + m.entityKey();
      docs.put(key, m.op().equals(MutationDraft.DELETE) ? "deleted null" : canonical(m.payload().json()));
    }
    return docs;
  }

  static String canonical(String json) {
    try {
      JsonNode tree = WireJson.mapper().readTree(json);
      return WireJson.mapper().writeValueAsString(tree);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    for (Replica r : replicas) {
      r.manager.close();
      r.transport.close();
      r.store.close();
    }
    server.stop(Duration.ofSeconds(1));
  }
}
