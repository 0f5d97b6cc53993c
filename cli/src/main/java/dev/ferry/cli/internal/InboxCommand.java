package dev.ferry.cli.internal;

import picocli.CommandLine.Command;

/** {@code ferry inbox}: the inbound quarantine of a local file. */
@Command(
    name = "inbox",
    mixinStandardHelpOptions = true,
    header = "List, retry or skip pulled mutations that could not be applied.",
    description = {
      "A pulled mutation that could not be applied (an op the applier does not know, an applier that"
          + " failed the same way 3 times, a mutation that cannot be mapped) waits in the inbound quarantine"
          + " while the rest of the log is applied. List them, retry them (applied under server order: one"
          + " that a later write of its key overtook is removed without being applied), or skip them."
          + " Needs no lease; safe while a sync manager runs on the file."
    },
    subcommands = {InboxListCommand.class, InboxRetryCommand.class, InboxSkipCommand.class})
final class InboxCommand extends BaseCommand {

  @Override
  public Integer call() {
    throw usage("a subcommand is required: list, retry or skip");
  }
}
