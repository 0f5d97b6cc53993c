package dev.ferry.cli.internal;

import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ferry pause}: adds a named pause reason to a local file. */
@Command(
    name = "pause",
    mixinStandardHelpOptions = true,
    header = "Pause sync of a local file with a named reason.",
    description = {
      "Pauses sync of a local file with a named reason. It is persisted: a sync manager running on"
          + " the file stops pushing and pulling within a quarter second, keeps its lease, and"
          + " resumes when every reason is gone ('ferry resume')."
    })
final class PauseCommand extends BaseCommand {

  @Option(names = "--db", required = true, paramLabel = "FILE", description = "the local SQLite file")
  Path db;

  @Option(names = "--reason", defaultValue = "user", paramLabel = "R",
      description = "the pause reason, e.g. upgrade:notes (default: ${DEFAULT-VALUE})")
  String reason;

  @Option(names = "--target", defaultValue = "cloud", paramLabel = "TARGET",
      description = "the sync target (default: ${DEFAULT-VALUE})")
  String target;

  @Option(names = "--json", description = "print the result as one JSON document")
  boolean json;

  @Override
  public Integer call() {
    return PauseReasons.change(this, db, target, reason, json, true);
  }
}
