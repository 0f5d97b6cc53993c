package dev.ferry.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.ferry.cli.Ferry;
import dev.ferry.store.Ack;
import dev.ferry.store.DocumentApplier;
import dev.ferry.store.FencedWriter;
import dev.ferry.store.LeaseInfo;
import dev.ferry.store.MutationDraft;
import dev.ferry.store.MutationState;
import dev.ferry.store.SyncStore;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code ferry sync --max-seconds} against a server that never stops answering, and {@code ferry resync}. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SyncBoundAndResyncTest {

  @TempDir Path dir;

  /**
   * A loopback server whose every pull page holds one new mutation and says {@code has_more:true},
   * forever.
   */
  private static HttpServer endlessServer(AtomicLong pulls) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/v1/pull", exchange -> {
      String query = exchange.getRequestURI().getQuery();
      long since = Long.parseLong(query.replaceAll(".*since=(\\d+).*", "$1"));
      long seq = since + 1;
      pulls.incrementAndGet();
      byte[] body = ("{\"mutations\":[{\"seq\":" + seq + ",\"replica_id\":\"other\",\"client_seq\":" + seq
          + ",\"project\":\"notes\",\"entity\":\"note\",\"entity_key\":\"k" + seq + "\",\"op\":\"upsert\","
          + "\"payload\":{}}],\"has_more\":true,\"latest_seq\":" + (seq + 1) + ",\"log_id\":\"endless\"}")
          .getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    return server;
  }

  @Test
  void sync_serverAnsweringHasMoreForever_stopsAtMaxSecondsAndSaysSo() throws Exception {
    AtomicLong pulls = new AtomicLong();
    HttpServer server = endlessServer(pulls);
    try {
      String url = "http://127.0.0.1:" + server.getAddress().getPort();
      Path db = dir.resolve("a.db");
      long t0 = System.nanoTime();

      Cli.Result r = Cli.run("sync", "--db", db.toString(), "--server", url, "--token", "t-0123456789",
          "--max-seconds", "2", "--json").expect(Ferry.FAILED);

      long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
      assertTrue(seconds < 30, "bounded: took " + seconds + " s");
      JsonNode doc = r.json();
      assertEquals("timed_out", doc.get("outcome").asText(), r.out());
      assertTrue(doc.get("timed_out").asBoolean());
      assertTrue(r.err().contains("stopped after --max-seconds 2"), r.err());
      assertTrue(pulls.get() > 1);
      try (SyncStore store = SyncStore.open(db)) {
        // What was applied before the bound stays applied, with the cursor.
        long cursor = store.targets().state("cloud").lastPulledSeq();
        assertTrue(cursor > 0);
        assertEquals(cursor, store.documents().count());
      }
    } finally {
      server.stop(0);
    }
  }

  @Test
  void sync_maxSecondsOutOfRange_isBadUsage() {
    Cli.Result r = Cli.run("sync", "--db", dir.resolve("a.db").toString(), "--server", "http://127.0.0.1:9",
        "--token", "t-0123456789", "--max-seconds", "0");
    r.expect(Ferry.USAGE);
    assertTrue(r.err().contains("--max-seconds must be between 1 and 86400"), r.err());
  }

  @Test
  void resync_documentTarget_queuesAckedWritesAgainAndRestartsTheCursor() {
    Path db = dir.resolve("a.db");
    try (SyncStore store = SyncStore.open(db)) {
      long seq = store.jdbi().inTransaction(h -> store.documents().put(h,
          MutationDraft.upsert("notes", "note", "mine", "{}")));
      LeaseInfo lease = store.leases().acquire("cloud", "test", Duration.ofMinutes(1));
      FencedWriter w = store.fenced(lease.fence(), new DocumentApplier());
      w.ack(List.of(new Ack(seq, 7)));
      w.applyPage(List.of(new dev.ferry.store.RemoteMutation(8, "other", 1, "notes", "note", "theirs", "upsert",
          "{}", 1L, 2L)), 8);
      store.leases().release(lease.fence());
    }

    Cli.Result r = Cli.run("resync", "--db", db.toString()).expect(Ferry.OK);

    assertTrue(r.out().contains("1 acked local mutations queued to push again"), r.out());
    try (SyncStore store = SyncStore.open(db)) {
      assertEquals(0, store.targets().state("cloud").lastPulledSeq());
      assertEquals(1, store.outbox().list("cloud", MutationState.PENDING, 10).size());
      assertTrue(store.documents().get("notes", "note", "theirs").isEmpty(), "rebuilt from the server's log");
      assertTrue(store.documents().get("notes", "note", "mine").isPresent(), "the local write stays");
    }
  }

  @Test
  void resync_hostApplierTarget_needsHostCleared() {
    Path db = dir.resolve("a.db");
    try (SyncStore store = SyncStore.open(db)) {
      store.targets().bindApplier("cloud", "host.tables");
    }

    Cli.Result refused = Cli.run("resync", "--db", db.toString()).expect(Ferry.FAILED);
    assertTrue(refused.err().contains("--host-cleared"), refused.err());

    Cli.run("resync", "--db", db.toString(), "--host-cleared").expect(Ferry.OK);
  }
}
