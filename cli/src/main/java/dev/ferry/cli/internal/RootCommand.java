package dev.ferry.cli.internal;

import dev.ferry.transport.FerryVersion;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/** {@code ferry} itself: it only dispatches to a command. */
@Command(
    name = "ferry",
    mixinStandardHelpOptions = true,
    versionProvider = RootCommand.Version.class,
    description = {
      "Lease-guarded push/pull replication for local-first Java applications.",
      "Start with 'ferry demo'. Every command has --help; --json prints one JSON document."
    },
    subcommands = {
      DemoCommand.class,
      ServeCommand.class,
      SyncCommand.class,
      StatusCommand.class,
      OutboxCommand.class,
      InboxCommand.class,
      ReplicaCommand.class,
      PauseCommand.class,
      ResumeCommand.class,
      ResyncCommand.class,
      BenchCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:the command failed (the reason is printed)",
      "2:bad usage: unknown command or flag, missing or invalid value",
      "75:another process holds the lease (ferry sync, ferry resync)"
    })
public final class RootCommand extends BaseCommand {

  @Override
  public Integer call() {
    throw usage("a command is required, e.g. 'ferry demo'");
  }

  /** The version from the jar. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"ferry " + FerryVersion.current()};
    }
  }
}
