package dev.ferry.cli.internal;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ferry outbox requeue SEQ…}. */
@Command(
    name = "requeue",
    mixinStandardHelpOptions = true,
    header = "Move quarantined mutations back to pending.",
    description = "Moves quarantined mutations back to pending, so the next sync pushes them again; one"
        + " already pending stays so. A SEQ that does not exist or is acked refuses the whole request:"
        + " nothing changes, exit 1.")
final class OutboxRequeueCommand extends BaseCommand {

  @Option(names = "--db", required = true, paramLabel = "FILE", description = "the local SQLite file")
  Path db;

  @Parameters(arity = "1..*", paramLabel = "SEQ", description = "local seqs, as 'ferry outbox list' shows them")
  List<Long> seqs;

  @Option(names = "--json", description = "print the result as one JSON document")
  boolean json;

  @Override
  public Integer call() {
    return OutboxRepair.run(this, db, seqs, json, OutboxRepair.Action.REQUEUE);
  }
}
