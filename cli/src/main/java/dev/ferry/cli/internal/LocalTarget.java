package dev.ferry.cli.internal;

import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code --db} and {@code --target} options of a command that works on one target of a local
 * file, as a picocli mixin, so that every such command names, documents and checks them alike.
 */
final class LocalTarget {

  @Spec(Spec.Target.MIXEE) CommandSpec mixee;

  @Option(names = "--db", required = true, paramLabel = "FILE", description = "the local SQLite file")
  Path db;

  @Option(names = "--target", defaultValue = "cloud", paramLabel = "TARGET",
      description = "the sync target (default: ${DEFAULT-VALUE})")
  String target;

  /** The {@code --target}; a blank one is bad usage (exit code 2, one line). */
  String requireTarget() {
    if (target.isBlank()) {
      throw new ParameterException(mixee.commandLine(), "--target must not be blank");
    }
    return target;
  }
}
