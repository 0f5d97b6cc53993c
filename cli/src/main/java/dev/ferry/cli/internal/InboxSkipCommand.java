package dev.ferry.cli.internal;

import dev.ferry.cli.Ferry;
import dev.ferry.store.SyncStore;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ferry inbox skip SERVER_SEQ…}. */
@Command(
    name = "skip",
    mixinStandardHelpOptions = true,
    header = "Remove quarantined pulled mutations without applying them.",
    description = "Removes quarantined pulled mutations for good: this replica does without them. A SERVER_SEQ"
        + " that is not quarantined refuses the whole request: nothing changes, exit 1.")
final class InboxSkipCommand extends BaseCommand {

  @Mixin LocalTarget local;

  @Mixin ServerSeqs serverSeqs;

  @Option(names = "--json", description = "print the result as one JSON document")
  boolean json;

  @Override
  public Integer call() {
    List<Long> seqs = serverSeqs.positive();
    String target = local.target;
    List<Long> distinct = seqs.stream().distinct().toList();
    try (SyncStore store = LocalFile.openExisting(spec, local.db)) {
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
