package dev.ferry.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.cli.Ferry;
import dev.ferry.core.SyncStatus;
import dev.ferry.store.LeaseInfo;
import dev.ferry.store.MutationDraft;
import dev.ferry.store.SyncStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ferry sync} against the reference server on loopback, with real files. */
class SyncCommandTest {

  @TempDir Path dir;
  private TestServer server;

  @BeforeEach
  void startServer() {
    server = new TestServer(dir);
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  private Path replicaWith(String name, String... keys) {
    Path file = dir.resolve(name + ".db");
    try (SyncStore store = SyncStore.open(file)) {
      for (String key : keys) {
        store.jdbi().useTransaction(h -> store.documents().put(h,
            MutationDraft.upsert("notes", "note", key, "{\"title\":\"" + key + "\"}")));
      }
    }
    return file;
  }

  private Cli.Result sync(Path db, String... more) {
    String[] base = {"sync", "--db", db.toString(), "--server", server.url(), "--token", TestServer.TOKEN};
    String[] args = new String[base.length + more.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(more, 0, args, base.length, more.length);
    return Cli.run(args);
  }

  @Test
  void sync_pushesThenAnotherReplicaPullsIntoItsDocuments() {
    Path a = replicaWith("a", "n-1", "n-2");
    Path b = replicaWith("b", "n-3");

    Cli.Result first = sync(a).expect(Ferry.OK);
    assertTrue(first.out().startsWith("synced target cloud with " + server.url() + ": pushed 2"), first.out());
    sync(b).expect(Ferry.OK);
    sync(a).expect(Ferry.OK);

    try (SyncStore sa = SyncStore.open(a); SyncStore sb = SyncStore.open(b)) {
      assertEquals(3, sa.documents().count());
      assertEquals(3, sb.documents().count());
      assertEquals("{\"title\":\"n-1\"}", sb.documents().get("notes", "note", "n-1").orElseThrow().payloadJson());
      assertEquals(0, sb.outbox().pendingCount("cloud"));
    }
  }

  @Test
  void sync_json_oneDocumentWithTheCycleAndTheStatus() {
    Path a = replicaWith("a", "n-1");

    JsonNode doc = sync(a, "--json").expect(Ferry.OK).json();

    assertEquals("success", doc.get("outcome").asText());
    assertEquals(0, doc.get("exit_code").asInt());
    assertEquals(1, doc.get("pushed").asInt());
    assertEquals(1, doc.get("pulled").asInt(), "its own echo comes back");
    assertFalse(doc.get("push_only").asBoolean());
    assertEquals("healthy", doc.at("/status/phase").asText());
    assertEquals(0, doc.at("/status/pending/count").asInt());
  }

  @Test
  void sync_newFile_isCreatedAndPullsEverything() {
    sync(replicaWith("a", "n-1", "n-2")).expect(Ferry.OK);
    Path fresh = dir.resolve("fresh.db");

    Cli.Result r = sync(fresh).expect(Ferry.OK);

    assertTrue(r.err().contains("created"), r.err());
    try (SyncStore s = SyncStore.open(fresh)) {
      assertEquals(2, s.documents().count());
    }
  }

  @Test
  void sync_leaseHeldByAnotherOwner_exits75NamingTheHolderAndPushesNothing() {
    Path a = replicaWith("a", "n-1");
    String other = "other-host/4242/cafe";
    // A live holder: its store stays open, so the lease's file lock stays taken.
    SyncStore holder = SyncStore.open(a);
    LeaseInfo lease = holder.leases().acquire("cloud", other, Duration.ofMinutes(5));
    assertTrue(lease.isHeldBy(other));

    Cli.Result text = sync(a).expect(Ferry.LEASE_BUSY);
    assertEquals("", text.out());
    assertEquals(1, text.err().lines().count(), text.err());
    assertTrue(text.err().contains("held by " + other), text.err());

    JsonNode doc = sync(a, "--json").expect(Ferry.LEASE_BUSY).json();
    assertEquals("lease_held_elsewhere", doc.get("outcome").asText());
    assertEquals(other, doc.get("lease_owner").asText());
    assertEquals(75, doc.get("exit_code").asInt());
    try (SyncStore s = SyncStore.open(a)) {
      assertEquals(1, s.outbox().pendingCount("cloud"), "nothing was pushed");
      assertEquals(other, s.leases().current("cloud").orElseThrow().owner(), "the holder keeps its lease");
    }
    holder.close();
  }

  @Test
  void sync_leaseOfAHolderWhoseProcessIsGone_isTakenOverAtOnce() {
    Path a = replicaWith("a", "n-1");
    try (SyncStore s = SyncStore.open(a)) {
      // Closing the holder's store frees the lease's file lock, as the kernel does for a dead process.
      assertTrue(s.leases().acquire("cloud", "gone/4242/cafe", Duration.ofMinutes(5)).held());
    }
    sync(a).expect(Ferry.OK);
    try (SyncStore s = SyncStore.open(a)) {
      assertEquals(0, s.outbox().pendingCount("cloud"));
    }
  }

  @Test
  void sync_releasesItsLeaseSoTheNextRunGetsIt() {
    Path a = replicaWith("a", "n-1");

    sync(a).expect(Ferry.OK);

    try (SyncStore s = SyncStore.open(a)) {
      assertFalse(s.leases().current("cloud").orElseThrow().held());
    }
    sync(a).expect(Ferry.OK);
  }

  @Test
  void sync_wrongToken_exits1WithTheReasonAndKeepsTheMutations() {
    Path a = replicaWith("a", "n-1");

    Cli.Result r = Cli.run("sync", "--db", a.toString(), "--server", server.url(), "--token",
        "not-the-right-token-000").expect(Ferry.FAILED);

    assertTrue(r.err().contains("auth_required"), r.err());
    assertFalse(r.err().contains("not-the-right-token-000"), "the token is never printed");
    try (SyncStore s = SyncStore.open(a)) {
      assertEquals(1, s.outbox().pendingCount("cloud"));
    }
  }

  @Test
  void sync_serverDown_exits1() {
    Path a = replicaWith("a", "n-1");
    server.close();

    Cli.Result r = sync(a, "--json").expect(Ferry.FAILED);

    assertEquals("failed", r.json().get("outcome").asText());
    assertEquals("transport_failed", r.json().get("reason_code").asText());
  }

  @Test
  void sync_targetSetUpWithAHostApplier_pushesOnlyAndSaysWhy() {
    sync(replicaWith("other", "n-9")).expect(Ferry.OK);
    Path a = replicaWith("a", "n-1");
    try (SyncStore s = SyncStore.open(a)) {
      s.targets().bindApplier("cloud", "host.notes");
    }

    Cli.Result r = sync(a, "--json").expect(Ferry.OK);

    assertTrue(r.err().contains("pushing only"), r.err());
    assertTrue(r.json().get("push_only").asBoolean());
    assertEquals(1, r.json().get("pushed").asInt());
    assertEquals(0, r.json().get("pulled").asInt());
    try (SyncStore s = SyncStore.open(a)) {
      assertEquals(0, SyncStatus.read(s, "cloud").lastPulledSeq(), "the cursor never moves");
      assertTrue(s.documents().get("notes", "note", "n-9").isEmpty());
    }
  }

  @Test
  void sync_paused_exits1AndNamesTheReason() {
    Path a = replicaWith("a", "n-1");
    Cli.run("pause", "--db", a.toString(), "--reason", "upgrade:notes").expect(Ferry.OK);

    Cli.Result r = sync(a).expect(Ferry.FAILED);

    assertTrue(r.err().contains("paused (upgrade:notes)"), r.err());
  }

  @Test
  void sync_tokenFile_readsTheFirstLine() throws Exception {
    Path a = replicaWith("a", "n-1");
    Path tokenFile = Files.writeString(dir.resolve("token"), TestServer.TOKEN + "\n");

    Cli.run("sync", "--db", a.toString(), "--server", server.url(), "--token-file", tokenFile.toString())
        .expect(Ferry.OK);
  }

  @Test
  void sync_tokenFile_crlfAndSurroundingBlanks_areStripped() throws Exception {
    Path a = replicaWith("a", "n-1");
    Path tokenFile = Files.writeString(dir.resolve("token"), "  " + TestServer.TOKEN + " \r\nsecond line\r\n");

    Cli.run("sync", "--db", a.toString(), "--server", server.url(), "--token-file", tokenFile.toString())
        .expect(Ferry.OK);
  }

  @Test
  void sync_unusableToken_isBadUsageBeforeTheFileIsCreated_andNeverShown() throws Exception {
    Path fresh = dir.resolve("fresh.db");
    String secret = "s3cret-with space-0123456789";
    Path withSpace = Files.writeString(dir.resolve("spaced"), secret + "\n");
    Path binary = Files.write(dir.resolve("binary"), new byte[] {(byte) 0xff, (byte) 0xfe, 'x', '\n'});
    Path missing = dir.resolve("no-such-token");

    Cli.Result fromOption = Cli.run("sync", "--db", fresh.toString(), "--server", server.url(), "--token", secret,
        "--json").expect(Ferry.USAGE);
    Cli.Result fromFile = Cli.run("sync", "--db", fresh.toString(), "--server", server.url(), "--token-file",
        withSpace.toString()).expect(Ferry.USAGE);
    Cli.Result notText = Cli.run("sync", "--db", fresh.toString(), "--server", server.url(), "--token-file",
        binary.toString()).expect(Ferry.USAGE);
    Cli.Result notThere = Cli.run("sync", "--db", fresh.toString(), "--server", server.url(), "--token-file",
        missing.toString()).expect(Ferry.USAGE);
    Cli.Result directory = Cli.run("sync", "--db", fresh.toString(), "--server", server.url(), "--token-file",
        dir.toString()).expect(Ferry.USAGE);

    assertTrue(fromOption.err().contains("--token: the token has a character not allowed"), fromOption.err());
    assertTrue(fromFile.err().contains("character not allowed in an HTTP header at index 11"), fromFile.err());
    assertTrue(notText.err().contains("not UTF-8 text"), notText.err());
    assertTrue(notThere.err().contains("no such file"), notThere.err());
    assertTrue(directory.err().contains("a directory"), directory.err());
    for (Cli.Result r : List.of(fromOption, fromFile, notText, notThere, directory)) {
      assertEquals(1, r.err().lines().count(), r.err());
      assertFalse(r.err().contains("s3cret") || r.out().contains("s3cret"), "the token is never shown");
    }
    assertFalse(Files.exists(fresh), "nothing was created");
  }

  @Test
  void sync_badTokenOptions_areBadUsage() throws Exception {
    Path a = replicaWith("a");
    Path empty = Files.writeString(dir.resolve("empty"), "\n");

    Cli.run("sync", "--db", a.toString(), "--server", server.url()).expect(Ferry.USAGE);
    Cli.run("sync", "--db", a.toString(), "--server", server.url(), "--token", "t", "--token-file",
        empty.toString()).expect(Ferry.USAGE);
    assertTrue(Cli.run("sync", "--db", a.toString(), "--server", server.url(), "--token-file", empty.toString())
        .expect(Ferry.USAGE).err().contains("empty"));
    assertTrue(Cli.run("sync", "--db", a.toString(), "--server", "ftp://example.com", "--token", "t")
        .expect(Ferry.USAGE).err().contains("--server"));
    assertTrue(Cli.run("sync", "--db", a.toString(), "--server", "http://example.com", "--token", "t")
        .expect(Ferry.USAGE).err().contains("plain http"));
  }
}
