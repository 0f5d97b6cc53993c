package dev.ferry.cli.internal;

import picocli.CommandLine.Command;

/** {@code ferry outbox}: look at and repair the outbox of a local file. */
@Command(
    name = "outbox",
    mixinStandardHelpOptions = true,
    header = "List, requeue or drop outbox mutations of a local file.",
    description = {
      "Inspects and repairs the outbox of a local file: list pending or quarantined mutations,"
          + " requeue quarantined ones, drop pending or quarantined ones. Needs no lease; safe"
          + " while a sync manager runs on the file."
    },
    subcommands = {OutboxListCommand.class, OutboxRequeueCommand.class, OutboxDropCommand.class})
final class OutboxCommand extends BaseCommand {

  @Override
  public Integer call() {
    throw usage("a subcommand is required: list, requeue or drop");
  }
}
