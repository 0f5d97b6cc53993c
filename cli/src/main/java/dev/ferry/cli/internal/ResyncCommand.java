package dev.ferry.cli.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.cli.Ferry;
import dev.ferry.store.ApplyContext;
import dev.ferry.store.DocumentApplier;
import dev.ferry.store.LeaseInfo;
import dev.ferry.store.LeaseStore;
import dev.ferry.store.LogReset;
import dev.ferry.store.MutationApplier;
import dev.ferry.store.RemoteMutation;
import dev.ferry.store.SyncStore;
import dev.ferry.store.TargetStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ferry resync}: rebuilds a target's synced state from the server's log, under the lease. */
@Command(
    name = "resync",
    mixinStandardHelpOptions = true,
    header = "Rebuild a target's synced state from the server's log.",
    description = {
      "Resets a target so that its next sync rebuilds from the server's log: acked local mutations"
          + " are queued to be pushed again (the server answers duplicate for the ones it has), the"
          + " cursor goes back to 0 and a resync_required pause is lifted. Pending local writes stay"
          + " pending. Runs under the target's lease; nothing is sent to the server.",
      "A target on the document applier (ferry_documents) is reset by Ferry. Ferry resets such a"
          + " target by itself when the server's log is replaced; use this after other repairs.",
      "A target on a host's own applier is left disabled (resync_required) when the server's log is"
          + " replaced: clear what that applier wrote from the server, then run this with"
          + " --host-cleared."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the target was reset; the next sync rebuilds it",
      "1:the command failed; the reason is printed",
      "2:bad usage",
      "75:another process holds the lease; stop it first"
    })
final class ResyncCommand extends BaseCommand {

  @Mixin LocalTarget local;

  @Option(names = "--host-cleared",
      description = "the target uses a host's own applier and the host has cleared what it wrote from the server")
  boolean hostCleared;

  @Option(names = "--json", description = "print the result as one JSON document")
  boolean json;

  /** Stands in for a host's applier, which this process does not have: its reset is the host's. */
  private record HostApplier(String id) implements MutationApplier {
    @Override
    public void apply(ApplyContext context, RemoteMutation mutation) {
      throw new IllegalStateException("ferry resync applies nothing");
    }
  }

  @Override
  public Integer call() {
    local.requireTarget();
    try (SyncStore store = LocalFile.openExisting(spec, local.db)) {
      Optional<String> bound = store.targets().applierId(local.target);
      boolean documents = bound.isEmpty() || bound.get().equals(DocumentApplier.ID);
      if (!documents && !hostCleared) {
        throw CliFailure.failed("target " + local.target + " is set up with applier '" + bound.get() + "', which Ferry"
            + " cannot reset: clear what it wrote from the server, then run ferry resync --host-cleared");
      }
      MutationApplier applier = documents ? new DocumentApplier() : new HostApplier(bound.get());
      String owner = LeaseStore.defaultOwner();
      LeaseInfo lease = store.leases().acquire(local.target, owner, Duration.ofMinutes(1));
      if (!lease.isHeldBy(owner)) {
        note("ferry resync: the lease of target " + local.target + " is held by " + lease.owner()
            + "; stop the process that syncs this file first");
        return Ferry.LEASE_BUSY;
      }
      return resync(store, applier, lease);
    }
  }

  private int resync(SyncStore store, MutationApplier applier, LeaseInfo lease) {
    LogReset reset;
    try {
      reset = store.fenced(lease.fence(), applier).resync();
    } finally {
      store.leases().release(lease.fence());
    }
    String line = "resynced target " + local.target + ": " + reset.requeued() + " acked local mutations queued to push"
        + " again, cursor back to 0" + (store.targets().pauseReasons(local.target).contains(TargetStore.RESYNC_REQUIRED)
            ? "" : ", not paused for a resync") + "; the next sync rebuilds from the server's log";
    if (json) {
      ObjectNode o = Json.object().put("target", local.target).put("rebuilt", reset.rebuilt())
          .put("requeued", reset.requeued()).put("at", Instant.now().toString());
      Json.print(out(), o);
    } else {
      out().println(line);
      out().flush();
    }
    return Ferry.OK;
  }
}
