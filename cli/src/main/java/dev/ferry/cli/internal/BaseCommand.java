package dev.ferry.cli.internal;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** What every command shares: its streams and how it reports bad usage. */
abstract class BaseCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  /** Standard output: the command's result. */
  final PrintWriter out() {
    return spec.commandLine().getOut();
  }

  /** Standard error: progress, notes and warnings. */
  final PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** Writes a note for people to standard error. */
  final void note(String text) {
    err().println(text);
    err().flush();
  }

  /** Bad usage found after parsing (exit code 2, one line). */
  final ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  /** Refuses a {@code --limit} outside 1 to 1,000,000 as bad usage. */
  final void requireLimit(int limit) {
    if (limit < 1 || limit > 1_000_000) {
      throw usage("--limit must be between 1 and 1000000, was " + limit);
    }
  }
}
