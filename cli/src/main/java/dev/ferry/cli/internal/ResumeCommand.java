package dev.ferry.cli.internal;

import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ferry resume}: removes a named pause reason from a local file. */
@Command(
    name = "resume",
    mixinStandardHelpOptions = true,
    header = "Remove a pause reason from a local file.",
    description = {
      "Removes a pause reason from a local file; sync resumes when no reason is left."
    })
final class ResumeCommand extends BaseCommand {

  @Option(names = "--db", required = true, paramLabel = "FILE", description = "the local SQLite file")
  Path db;

  @Option(names = "--reason", defaultValue = "user", paramLabel = "R",
      description = "the pause reason to remove (default: ${DEFAULT-VALUE})")
  String reason;

  @Option(names = "--target", defaultValue = "cloud", paramLabel = "TARGET",
      description = "the sync target (default: ${DEFAULT-VALUE})")
  String target;

  @Option(names = "--json", description = "print the result as one JSON document")
  boolean json;

  @Override
  public Integer call() {
    return PauseReasons.change(this, db, target, reason, json, false);
  }
}
