package dev.ferry.cli.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.ferry.cli.Ferry;
import dev.ferry.store.DocumentApplier;
import dev.ferry.store.Inbox;
import dev.ferry.store.SyncStore;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ferry inbox retry SERVER_SEQ…}: with the document applier, the only one the command line
 * has; a target set up with a host applier is retried by the host ({@code store.inbox().retry}).
 */
@Command(
    name = "retry",
    mixinStandardHelpOptions = true,
    header = "Apply quarantined pulled mutations again.",
    description = "Applies quarantined pulled mutations again with the document applier, in server order: one"
        + " that a later write of its key overtook is removed without being applied; one whose key has a pending"
        + " local write waits behind it. One that fails again stays quarantined; exit 1 then.")
final class InboxRetryCommand extends BaseCommand {

  @Mixin LocalTarget local;

  @Mixin ServerSeqs serverSeqs;

  @Option(names = "--json", description = "print the result as one JSON document")
  boolean json;

  @Override
  public Integer call() {
    List<Long> seqs = serverSeqs.positive();
    String target = local.target;
    try (SyncStore store = LocalFile.openExisting(spec, local.db)) {
      Optional<String> bound = store.targets().applierId(target);
      if (bound.isPresent() && !bound.get().equals(DocumentApplier.ID)) {
        throw CliFailure.failed("target " + target + " was set up with applier '" + bound.get() + "', which the"
            + " command line does not have; retry from the application (store.inbox().retry)");
      }
      List<Inbox.Retry> results = store.inbox().retry(target, seqs, new DocumentApplier());
      boolean allDone = results.stream().allMatch(r -> r.outcome() != Inbox.RetryOutcome.FAILED
          && r.outcome() != Inbox.RetryOutcome.NOT_FOUND);
      if (json) {
        ArrayNode list = Json.array();
        results.forEach(r -> list.addObject().put("server_seq", r.serverSeq())
            .put("outcome", r.outcome().name().toLowerCase(java.util.Locale.ROOT)).put("message", r.message()));
        Json.print(out(), Json.object().put("target", target).set("results", list));
      } else {
        results.forEach(r -> out().printf("%d: %s (%s)%n", r.serverSeq(),
            r.outcome().name().toLowerCase(java.util.Locale.ROOT), r.message()));
        out().flush();
      }
      return allDone ? Ferry.OK : Ferry.FAILED;
    }
  }
}
