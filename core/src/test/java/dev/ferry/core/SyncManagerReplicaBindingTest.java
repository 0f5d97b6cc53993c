package dev.ferry.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ferry.store.Document;
import dev.ferry.store.MutationDraft;
import dev.ferry.store.MutationState;
import dev.ferry.transport.HttpSyncTransport;
import dev.ferry.transport.TransportException;
import dev.ferry.transport.wire.PulledMutation;
import dev.ferry.transport.wire.PushMutation;
import dev.ferry.transport.wire.PushRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end against the reference server: another principal of the tenant cannot fence or probe
 * a running replica by pushing under its {@code replica_id}, and payloads reach other replicas
 * byte for byte.
 */
class SyncManagerReplicaBindingTest {

  @TempDir Path dir;

  @Test
  void narrowWriterUnderARunningReplicasId_is403_andTheReplicaKeepsSyncing() {
    try (Cluster cluster = new Cluster(dir)) {
      Cluster.Replica alpha = cluster.replica("alpha");
      Cluster.Replica beta = cluster.replica("beta");
      alpha.manager().start();
      beta.manager().start();
      alpha.write(MutationDraft.upsert("billing", "invoice", "i-9", "{\"total\":\"12.50\"}"));
      Await.until("beta has the invoice", () -> document(beta, "i-9").isPresent());
      PulledMutation stored = cluster.serverLog().get(0);

      try (HttpSyncTransport narrow =
          HttpSyncTransport.builder()
              .baseUrl(cluster.baseUri().toString())
              .token(Cluster.NARROW_TOKEN)
              .retryDelays(Duration.ofMillis(20), Duration.ofMillis(100))
              .build()) {
        PushMutation guess =
            new PushMutation(
                stored.clientSeq(), "billing", "invoice", "i-9", "upsert", stored.payload(), null);
        PushMutation fence =
            new PushMutation(
                stored.clientSeq() + 1, "notes", "note", "n", "upsert", stored.payload(), null);
        for (PushMutation m : List.of(guess, fence)) {
          TransportException e =
              assertThrows(
                  TransportException.class,
                  () -> narrow.push(new PushRequest(stored.replicaId(), Long.MAX_VALUE, List.of(m))));
          assertEquals(TransportException.Kind.FORBIDDEN, e.kind());
          assertEquals("replica_forbidden", e.errorCode().orElseThrow());
        }
      }

      String exact = "{\"n\" : -0, \"big\":1e400,\"x\":0.1e1, \"s\":\"\\u00e9\\/\"}";
      alpha.write(MutationDraft.upsert("notes", "note", "n-1", exact));
      alpha.write(MutationDraft.upsert("notes", "note", "n-2", "1e400"));
      Await.until("beta has the notes", () -> document(beta, "n-2").isPresent());

      assertEquals(exact, document(beta, "n-1").orElseThrow().payloadJson(), "byte for byte");
      assertEquals("1e400", document(beta, "n-2").orElseThrow().payloadJson(), "byte for byte");
      // Beta may pull the notes before alpha has recorded the push's answer.
      Await.until("alpha acked its writes", () -> alpha.rows(MutationState.PENDING).isEmpty());
      assertEquals(0, alpha.manager().status().consecutiveFailures());
      assertEquals(List.of(), alpha.rows(MutationState.QUARANTINED));
      assertEquals(3, cluster.serverLog().size(), "nothing of the narrow writer was stored");
    }
  }

  private static Optional<Document> document(Cluster.Replica r, String key) {
    return r.store().documents().listAll().stream().filter(d -> d.entityKey().equals(key)).findFirst();
  }
}
