package dev.ferry.cli.internal;

import picocli.CommandLine.Command;

/** {@code ferry replica}: the replica identity of a local file. */
@Command(
    name = "replica",
    mixinStandardHelpOptions = true,
    header = "Show or reset the replica id of a local file.",
    subcommands = {ReplicaResetIdCommand.class})
final class ReplicaCommand extends BaseCommand {

  @Override
  public Integer call() {
    throw usage("a subcommand is required: reset-id");
  }
}
