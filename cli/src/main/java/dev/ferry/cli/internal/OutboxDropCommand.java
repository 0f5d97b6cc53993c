package dev.ferry.cli.internal;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ferry outbox drop SEQ…}. */
@Command(
    name = "drop",
    mixinStandardHelpOptions = true,
    header = "Delete pending or quarantined mutations for good.",
    description = "Deletes pending or quarantined mutations for good. The local data they changed is"
        + " not undone; a remote write they held back is applied by the next sync. A SEQ that does not"
        + " exist or is acked (the server has it) refuses the whole request: nothing changes, exit 1.")
final class OutboxDropCommand extends BaseCommand {

  @Option(names = "--db", required = true, paramLabel = "FILE", description = "the local SQLite file")
  Path db;

  @Parameters(arity = "1..*", paramLabel = "SEQ", description = "local seqs, as 'ferry outbox list' shows them")
  List<Long> seqs;

  @Option(names = "--json", description = "print the result as one JSON document")
  boolean json;

  @Override
  public Integer call() {
    return OutboxRepair.run(this, db, seqs, json, OutboxRepair.Action.DROP);
  }
}
