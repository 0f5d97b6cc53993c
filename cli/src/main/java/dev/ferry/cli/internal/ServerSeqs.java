package dev.ferry.cli.internal;

import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The {@code SERVER_SEQ…} parameters of the inbox commands that act on quarantined pulled mutations. */
final class ServerSeqs {

  @Spec(Spec.Target.MIXEE) CommandSpec mixee;

  @Parameters(arity = "1..*", paramLabel = "SERVER_SEQ", description = "server seqs, as 'ferry inbox list' shows them")
  List<Long> seqs;

  /** The seqs as given; a seq below 1 is bad usage (exit code 2, one line). */
  List<Long> positive() {
    for (long seq : seqs) {
      if (seq < 1) {
        throw new ParameterException(mixee.commandLine(), "SERVER_SEQ must be positive, was " + seq);
      }
    }
    return seqs;
  }
}
