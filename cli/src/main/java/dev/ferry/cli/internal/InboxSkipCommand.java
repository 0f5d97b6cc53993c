package dev.ferry.cli.internal;

import dev.ferry.cli.Ferry;
import dev.ferry.store.SyncStore;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ferry inbox skip SERVER_SEQ…}. */
@Command(
    name = "skip",
    mixinStandardHelpOptions = true,
    header = "Remove quarantined pulled mutations without applying them.",
    description = "Removes quarantined pulled mutations for good: this replica does without them. A SERVER_SEQ"
        + " that is not quarantined refuses the whole request: nothing changes, exit 1.")
final class InboxSkipCommand extends BaseCommand {

  @Option(names = "--db", required = true, paramLabel = "FILE", description = "the local SQLite file")
  Path db;

  @Option(names = "--target", defaultValue = "cloud", paramLabel = "TARGET",
      description = "the sync target (default: ${DEFAULT-VALUE})")
  String target;

  @Parameters(arity = "1..*", paramLabel = "SERVER_SEQ", description = "server seqs, as 'ferry inbox list' shows them")
  List<Long> seqs;

  @Option(names = "--json", description = "print the result as one JSON document")
  boolean json;

  @Override
  public Integer call() {
    for (long seq : seqs) {
      if (seq < 1) {
        throw usage("SERVER_SEQ must be positive, was " + seq);
      }
    }
    List<Long> distinct = seqs.stream().distinct().toList();
    try (SyncStore store = LocalFile.openExisting(spec, db)) {
      List<Long> missing = distinct.stream().filter(s -> store.inbox().get(target, s).isEmpty()).toList();
      if (!missing.isEmpty()) {
        throw CliFailure.failed("nothing skipped: not quarantined: " + missing + "; see 'ferry inbox list'");
      }
      int n = store.inbox().skip(target, distinct);
      if (json) {
        Json.print(out(), Json.object().put("target", target).put("skipped", n));
      } else {
        out().println("skipped " + n + " of " + distinct.size() + " mutation(s)");
        out().flush();
      }
    }
    return Ferry.OK;
  }
}
