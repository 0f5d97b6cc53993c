package dev.ferry.store;

import static dev.ferry.store.Fixtures.TARGET;
import static dev.ferry.store.Fixtures.note;
import static dev.ferry.store.Fixtures.own;
import static dev.ferry.store.Fixtures.remote;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Own echoes of local writes that stopped protecting their key before the server ordered them
 * (quarantined, then requeued; dropped while in flight), and echoes that arrive before their ack:
 * every case ends with the document the server order says.
 */
class FencedWriterEchoTest extends OpenStoreTest {

  private static final String LOCAL = "{\"v\":\"local\"}";

  private FencedWriter writer;

  @BeforeEach
  void setUp() {
    writer = documentWriter();
  }

  @Test
  void requeuedWrite_whoseKeyGotARemoteWriteMeanwhile_isAppliedFromItsEcho() {
    long seq = put("n-1", LOCAL);
    writer.quarantine(seq, "validation_error", "refused for now");
    writer.applyPage(List.of(remote(7, "n-1", "{\"v\":\"remote 7\"}")), 7);
    assertEquals("{\"v\":\"remote 7\"}", doc("n-1"));
    assertEquals(1, store.outbox().requeue(List.of(seq)));
    writer.ack(List.of(new Ack(seq, 9)));

    ApplyResult r = writer.applyPage(List.of(own(store, 9, seq, "n-1", LOCAL)), 9);

    assertEquals(1, r.applied());
    assertEquals(0, r.ownEchoes());
    assertEquals(LOCAL, doc("n-1"), "server order: local at 9 after remote 7");
    assertEquals(9L, store.documents().get("notes", "note", "n-1").orElseThrow().serverSeq());
  }

  @Test
  void requeuedWrite_echoedBeforeItsAck_isAckedByTheEchoAndApplied() {
    long seq = put("n-1", LOCAL);
    writer.quarantine(seq, "validation_error", "refused for now");
    writer.applyPage(List.of(remote(7, "n-1", "{\"v\":\"remote 7\"}")), 7);
    store.outbox().requeue(List.of(seq));

    writer.applyPage(List.of(own(store, 9, seq, "n-1", LOCAL), remote(10, "n-1", "{\"v\":\"remote 10\"}")), 10);

    assertEquals(9L, store.outbox().list(TARGET, MutationState.ACKED, 10).get(0).serverSeq());
    assertEquals("{\"v\":\"remote 10\"}", doc("n-1"), "the key is no longer protected once its write is acked");
    assertEquals(0, writer.ack(List.of(new Ack(seq, 9))), "the late push answer finds the row acked");
    assertEquals(1, store.targets().state(TARGET).totalPushed());
  }

  @Test
  void requeuedWrite_laterThanAnotherLocalWriteInServerOrder_winsThroughItsEcho() {
    long first = put("n-1", "{\"v\":\"local 1\"}");
    writer.quarantine(first, "validation_error", "refused for now");
    long second = put("n-1", "{\"v\":\"local 2\"}");
    writer.ack(List.of(new Ack(second, 8)));
    store.outbox().requeue(List.of(first));
    writer.ack(List.of(new Ack(first, 9)));

    writer.applyPage(List.of(own(store, 8, second, "n-1", "{\"v\":\"local 2\"}"),
        own(store, 9, first, "n-1", "{\"v\":\"local 1\"}")), 9);

    assertEquals("{\"v\":\"local 1\"}", doc("n-1"), "server order: local 1 at 9 after local 2 at 8");
  }

  @Test
  void requeuedWrite_echoedWhileANewerLocalWriteIsPending_waitsAndLosesToIt() {
    long first = put("n-1", "{\"v\":\"local 1\"}");
    writer.quarantine(first, "validation_error", "refused for now");
    writer.applyPage(List.of(remote(7, "n-1", "{\"v\":\"remote 7\"}")), 7);
    store.outbox().requeue(List.of(first));
    long second = put("n-1", "{\"v\":\"local 2\"}");
    writer.ack(List.of(new Ack(first, 9)));

    ApplyResult r = writer.applyPage(List.of(own(store, 9, first, "n-1", "{\"v\":\"local 1\"}")), 9);
    assertEquals(1, r.shadowed());
    assertEquals("{\"v\":\"local 2\"}", doc("n-1"));

    writer.ack(List.of(new Ack(second, 10)));
    assertEquals("{\"v\":\"local 2\"}", doc("n-1"), "server order: local 2 at 10");
    assertEquals(0, shadowCount());
  }

  @Test
  void requeuedWrite_echoedWhileANewerLocalWriteIsPending_winsWhenThatWriteIsQuarantined() {
    long first = put("n-1", "{\"v\":\"local 1\"}");
    writer.quarantine(first, "validation_error", "refused for now");
    writer.applyPage(List.of(remote(7, "n-1", "{\"v\":\"remote 7\"}")), 7);
    store.outbox().requeue(List.of(first));
    long second = put("n-1", "{\"v\":\"local 2\"}");
    writer.ack(List.of(new Ack(first, 9)));
    writer.applyPage(List.of(own(store, 9, first, "n-1", "{\"v\":\"local 1\"}")), 9);

    writer.quarantine(second, "validation_error", "refused");

    assertEquals("{\"v\":\"local 1\"}", doc("n-1"), "server order: local 1 at 9 is the last write");
  }

  @Test
  void droppedWhileInFlight_lateAckIgnored_theEchoStillWinsOverTheOlderShadow() {
    long seq = put("n-1", LOCAL);
    writer.applyPage(List.of(remote(7, "n-1", "{\"v\":\"remote 7\"}")), 7);
    assertEquals(1, store.outbox().drop(List.of(seq)));
    assertEquals(0, writer.ack(List.of(new Ack(seq, 9))), "the server stored it, but the row is gone");
    writer.applyPage(List.of(remote(8, "other", "{}")), 8);
    assertEquals("{\"v\":\"remote 7\"}", doc("n-1"), "server order up to 8");

    writer.applyPage(List.of(own(store, 9, seq, "n-1", LOCAL)), 9);

    assertEquals(LOCAL, doc("n-1"), "server order: the dropped write at 9 is the last");
  }

  @Test
  void echoBeforeAck_thenOperatorDrop_keepsTheWriteTheServerOrdered() {
    long seq = put("n-1", LOCAL);
    writer.applyPage(List.of(remote(7, "n-1", "{\"v\":\"remote 7\"}")), 7);
    ApplyResult r = writer.applyPage(List.of(own(store, 9, seq, "n-1", LOCAL)), 9);
    assertEquals(1, r.ownEchoes());

    assertEquals(0, store.outbox().drop(List.of(seq)), "the echo acked it; acked rows are history");
    writer.applyPage(List.of(remote(10, "other", "{}")), 10);

    assertEquals(LOCAL, doc("n-1"));
    assertEquals(0, shadowCount(), "remote 7 lost to the write the echo acked at 9");
  }

  @Test
  void shadowsBeatenByAnAckUnderAnOlderSchema_areDiscardedByTheMigration() {
    long first = put("n-1", "{\"v\":\"local 1\"}");
    long second = put("n-1", "{\"v\":\"local 2\"}");
    writer.applyPage(List.of(remote(7, "n-1", "{\"v\":\"remote 7\"}")), 7);
    writer.ack(List.of(new Ack(first, 9)));
    store.close();
    Jdbi raw = Jdbi.create("jdbc:sqlite:" + dir.resolve("app.db"));
    raw.useHandle(h -> {
      // What schema 1 left: the beaten shadow kept while local 2 is pending.
      h.execute("INSERT INTO ferry_shadows (target, project, entity, entity_key, server_seq, replica_id, client_seq,"
          + " op, payload, created_at, accepted_at) VALUES ('cloud', 'notes', 'note', 'n-1', 7, 'other', 7,"
          + " 'upsert', '{\"v\":\"remote 7\"}', 1, 2)");
      Fixtures.backToSchema1(h);
    });
    store = Fixtures.open(dir, clock);
    writer = documentWriter();
    assertEquals(0, shadowCount());
    writer.quarantine(second, "validation_error", "refused");
    assertEquals("{\"v\":\"local 2\"}", doc("n-1"));
  }

  @Test
  void quarantinedRowsOfAnOlderSchema_areReleasedByTheMigration() {
    long seq = put("n-1", LOCAL);
    writer.quarantine(seq, "validation_error", "refused for now");
    store.close();
    Jdbi raw = Jdbi.create("jdbc:sqlite:" + dir.resolve("app.db"));
    raw.useHandle(h -> {
      Fixtures.backToSchema1(h);
    });
    store = Fixtures.open(dir, clock);
    writer = documentWriter();
    writer.applyPage(List.of(remote(7, "n-1", "{\"v\":\"remote 7\"}")), 7);
    store.outbox().requeue(List.of(seq));
    writer.ack(List.of(new Ack(seq, 9)));

    writer.applyPage(List.of(own(store, 9, seq, "n-1", LOCAL)), 9);

    assertEquals(LOCAL, doc("n-1"));
  }

  @Test
  void ownEcho_ofAWriteThatNeverLostProtection_isNotApplied() {
    long seq = put("n-1", LOCAL);
    writer.applyPage(List.of(remote(7, "n-1", "{\"v\":\"remote 7\"}")), 7);
    writer.ack(List.of(new Ack(seq, 9)));
    store.jdbi().useHandle(h -> h.execute("UPDATE ferry_documents SET payload = '{\"v\":\"host\"}'"));

    ApplyResult r = writer.applyPage(List.of(own(store, 9, seq, "n-1", LOCAL)), 9);

    assertEquals(1, r.ownEchoes());
    assertEquals(0, r.applied());
    assertEquals("{\"v\":\"host\"}", doc("n-1"), "the local tables already hold the write; nothing reapplied");
  }

  private long put(String key, String payload) {
    return store.jdbi().inTransaction(h -> store.documents().put(h, note(key, payload)));
  }

  private String doc(String key) {
    return store.documents().get("notes", "note", key).orElseThrow().payloadJson();
  }

  private int shadowCount() {
    return store.jdbi().withHandle(h -> h.select("SELECT count(*) FROM ferry_shadows").mapTo(Integer.class).one());
  }
}
