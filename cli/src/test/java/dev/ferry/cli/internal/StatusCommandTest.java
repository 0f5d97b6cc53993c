package dev.ferry.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.cli.Ferry;
import dev.ferry.core.SyncConfig;
import dev.ferry.core.SyncManager;
import dev.ferry.store.DocumentApplier;
import dev.ferry.store.MutationDraft;
import dev.ferry.store.SyncStore;
import dev.ferry.transport.HttpSyncTransport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ferry status}: the persisted status, as a table or the fields of {@code statusJson()}. */
class StatusCommandTest {

  @TempDir Path dir;

  @Test
  void status_json_hasTheFieldsOfStatusJsonAndThePersistedValues() throws Exception {
    Path db = dir.resolve("a.db");
    String live;
    try (TestServer server = new TestServer(dir);
        SyncStore store = SyncStore.open(db);
        HttpSyncTransport transport =
            HttpSyncTransport.builder().baseUrl(server.url()).token(TestServer.TOKEN).build();
        SyncManager manager = SyncManager.create(store, transport, new DocumentApplier(), SyncConfig.defaults())) {
      store.jdbi().useTransaction(h -> store.documents().put(h, MutationDraft.upsert("notes", "note", "n-1", "{}")));
      manager.runOnce();
      store.jdbi().useTransaction(h -> store.documents().put(h, MutationDraft.upsert("notes", "note", "n-2", "{}")));
      live = manager.statusJson();
    }

    JsonNode fromFile = Cli.run("status", "--db", db.toString(), "--json").expect(Ferry.OK).json();

    JsonNode fromManager = Json.parse(live);
    assertEquals(fieldPaths(fromManager), fieldPaths(fromFile));
    assertEquals(fromManager.get("replica_id"), fromFile.get("replica_id"));
    assertEquals(false, fromFile.get("live").asBoolean());
    assertEquals("healthy", fromFile.get("phase").asText());
    assertEquals(1, fromFile.at("/pending/count").asInt());
    assertEquals(1, fromFile.at("/totals/pushed").asInt());
    assertEquals(1, fromFile.at("/cursor/last_pulled_seq").asInt());
  }

  @Test
  void status_text_showsPhasePendingAndLease() {
    Path db = dir.resolve("a.db");
    try (SyncStore store = SyncStore.open(db)) {
      store.jdbi().useTransaction(h -> store.documents().put(h, MutationDraft.upsert("notes", "note", "n-1", "{}")));
    }

    Cli.Result r = Cli.run("status", "--db", db.toString()).expect(Ferry.OK);

    assertTrue(r.out().contains("phase              idle (last persisted)"), r.out());
    assertTrue(r.out().contains("pending            1, oldest"), r.out());
    assertTrue(r.out().contains("lease              never taken"), r.out());
  }

  @Test
  void status_otherTarget_isReadSeparately() {
    Path db = dir.resolve("a.db");
    try (SyncStore store = SyncStore.open(db)) {
      store.jdbi().useTransaction(h -> store.documents().put(h, MutationDraft.upsert("notes", "note", "n-1", "{}")));
    }

    JsonNode doc = Cli.run("status", "--db", db.toString(), "--target", "backup", "--json").expect(Ferry.OK).json();

    assertEquals("backup", doc.get("target").asText());
    assertEquals(0, doc.at("/pending/count").asInt());
  }

  /** Every field path of a JSON object, nested objects included, so shapes can be compared. */
  private static List<String> fieldPaths(JsonNode node) {
    List<String> paths = new ArrayList<>();
    collect("", node, paths);
    return paths;
  }

  private static void collect(String prefix, JsonNode node, List<String> paths) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      paths.add(prefix + name);
      JsonNode child = node.get(name);
      if (child.isObject() && !name.equals("non_enrolled_pending")) {
        collect(prefix + name + "/", child, paths);
      }
    }
  }
}
