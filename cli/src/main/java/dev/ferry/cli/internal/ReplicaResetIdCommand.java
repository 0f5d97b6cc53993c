package dev.ferry.cli.internal;

import dev.ferry.cli.Ferry;
import dev.ferry.store.SyncStore;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ferry replica reset-id}. */
@Command(
    name = "reset-id",
    mixinStandardHelpOptions = true,
    header = "Give a restored or copied file a fresh replica id.",
    description = "Gives the file a fresh replica id, for a file restored from a backup or copied to another"
        + " machine (the sync loop also does it by itself when the server shows that another history uses the"
        + " id). Pending writes stay and are pushed under the new id; writes refused as replica_conflict go back"
        + " to pending; the old id is kept, and writes under it that this file did not make are applied like"
        + " remote ones. Needs no lease.")
final class ReplicaResetIdCommand extends BaseCommand {

  @Option(names = "--db", required = true, paramLabel = "FILE", description = "the local SQLite file")
  Path db;

  @Option(names = "--reason", defaultValue = "reset by an operator (ferry replica reset-id)", paramLabel = "TEXT",
      description = "why, kept with the old id and shown in status")
  String reason;

  @Option(names = "--json", description = "print the result as one JSON document")
  boolean json;

  @Override
  public Integer call() {
    if (reason.isBlank()) {
      throw usage("--reason must not be blank");
    }
    try (SyncStore store = LocalFile.openExisting(spec, db)) {
      String old = store.replicaId();
      String fresh = store.resetReplicaId(reason);
      if (json) {
        Json.print(out(), Json.object().put("previous_id", old).put("replica_id", fresh).put("reason", reason));
      } else {
        out().println("replica id " + old + " is now " + fresh);
        out().flush();
      }
    }
    return Ferry.OK;
  }
}
