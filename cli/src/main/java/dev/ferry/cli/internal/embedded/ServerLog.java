package dev.ferry.cli.internal.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.store.MutationDraft;
import dev.ferry.transport.SyncTransport;
import dev.ferry.transport.wire.PullResponse;
import dev.ferry.transport.wire.PulledMutation;
import dev.ferry.transport.wire.WireJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The server's whole log, and the documents it folds into: what every replica must end with. */
public final class ServerLog {

  static final String DELETED = "(deleted)";

  private ServerLog() {}

  /** Reads every mutation the transport's token may read, in seq order. */
  public static List<PulledMutation> read(SyncTransport transport) {
    List<PulledMutation> all = new ArrayList<>();
    long since = 0;
    while (true) {
      PullResponse page = transport.pull(since, 1000, Duration.ZERO);
      all.addAll(page.mutations());
      if (page.mutations().isEmpty() || !page.hasMore()) {
        return all;
      }
      since = page.mutations().get(page.mutations().size() - 1).seq();
    }
  }

  /** The log folded in seq order: the last write of each key wins; a delete leaves a tombstone. */
  public static Map<String, String> fold(List<PulledMutation> log) {
    Map<String, String> docs = new TreeMap<>();
    for (PulledMutation m : log) {
      docs.put(key(m.project(), m.entity(), m.entityKey()),
          m.op().equals(MutationDraft.DELETE) ? DELETED : canonical(m.payload().json()));
    }
    return docs;
  }

  static String key(String project, String entity, String entityKey) {
    return project + "/" + entity + "/" + entityKey;
  }

  static String canonical(String json) {
    try {
      JsonNode tree = WireJson.mapper().readTree(json);
      return WireJson.mapper().writeValueAsString(tree);
    } catch (IOException e) {
      throw new UncheckedIOException("stored payload is not JSON", e);
    }
  }
}
