package dev.ferry.cli.internal;

import dev.ferry.cli.Ferry;
import dev.ferry.core.SyncStatus;
import dev.ferry.store.SyncStore;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ferry status}: the persisted status of a local file. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    header = "Show the persisted sync status of a local file.",
    description = {
      "Shows the persisted sync status of a local file: phase, reason, pending and quarantined"
          + " mutations, cursor, lease holder, pause reasons, totals and recent errors.",
      "With --json the same fields as SyncManager.statusJson()."
    })
final class StatusCommand extends BaseCommand {

  @Option(names = "--db", required = true, paramLabel = "FILE", description = "the local SQLite file")
  Path db;

  @Option(names = "--target", defaultValue = "cloud", paramLabel = "TARGET",
      description = "the sync target (default: ${DEFAULT-VALUE})")
  String target;

  @Option(names = "--json", description = "print the status as one JSON document")
  boolean json;

  @Override
  public Integer call() {
    try (SyncStore store = LocalFile.openExisting(spec, db)) {
      SyncStatus status = SyncStatus.read(store, target);
      if (json) {
        Json.print(out(), Json.parse(status.toJson()));
      } else {
        StatusText.print(out(), status);
      }
    }
    return Ferry.OK;
  }
}
