package dev.ferry.cli.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.cli.Ferry;
import dev.ferry.core.CycleResult;
import dev.ferry.core.ReasonCode;
import dev.ferry.core.SyncConfig;
import dev.ferry.core.SyncManager;
import dev.ferry.store.DocumentApplier;
import dev.ferry.store.LeaseInfo;
import dev.ferry.store.SyncStore;
import dev.ferry.transport.HttpSyncTransport;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ferry sync}: one cycle for a local file against a server, under the lease. */
@Command(
    name = "sync",
    mixinStandardHelpOptions = true,
    header = "Run one sync cycle for a local file, under the lease.",
    description = {
      "Runs one sync cycle for a local file against a server, under the target's lease: pushes the"
          + " pending mutations, then pulls the server's into the document store (ferry_documents).",
      "A target set up with another applier (a host's own) is pushed only: pulling would move the"
          + " cursor past mutations that applier never saw.",
      "A missing file is created (a new replica that pulls everything).",
      "The run is bounded by --max-seconds: a server that keeps answering (has_more forever, a"
          + " stalled answer) cannot keep it running; what was done before the bound stays done."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the cycle succeeded",
      "1:the cycle failed, did not run (paused) or hit --max-seconds; the reason is printed",
      "2:bad usage",
      "75:another process holds the lease; its owner is printed"
    })
final class SyncCommand extends BaseCommand {

  @Mixin LocalTarget local;

  @Option(names = "--server", required = true, paramLabel = "URL",
      description = "the sync server's base URL, e.g. http://127.0.0.1:8787")
  String server;

  @ArgGroup(exclusive = true, multiplicity = "1")
  TokenSource token;

  @Option(names = "--allow-insecure-http",
      description = "send the token over plain http to a host that is not loopback")
  boolean allowInsecureHttp;

  @Option(names = "--json", description = "print the result as one JSON document")
  boolean json;

  @Option(names = "--max-seconds", defaultValue = "300", paramLabel = "S",
      description = "stop the cycle after this many seconds, from 1 to 86400 (default: ${DEFAULT-VALUE})")
  long maxSeconds;

  /** The longest {@code --max-seconds}. */
  static final long MAX_SECONDS = 86_400;

  /** How long a cycle stopped at the bound may take to end (it ends at its next batch or page). */
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);

  /** Where the bearer token comes from. */
  static final class TokenSource {
    @Option(names = "--token", required = true, paramLabel = "T", description = "the bearer token")
    @Nullable String value;

    @Option(names = "--token-file", required = true, paramLabel = "F",
        description = "a file whose first line is the bearer token")
    @Nullable Path file;
  }

  @Override
  public Integer call() {
    local.requireTarget();
    if (maxSeconds < 1 || maxSeconds > MAX_SECONDS) {
      throw usage("--max-seconds must be between 1 and " + MAX_SECONDS + " but was " + maxSeconds);
    }
    String bearer = bearerToken();
    HttpSyncTransport transport = transport(bearer);
    boolean created = !Files.exists(local.db);
    try (transport; SyncStore store = SyncStore.open(local.db)) {
      if (created) {
        note("created " + local.db + " (a new replica)");
      }
      Optional<String> bound = store.targets().applierId(local.target);
      String pushOnlyReason = bound.filter(id -> !id.equals(DocumentApplier.ID))
          .map(id -> "target " + local.target + " is set up with applier '" + id + "', not the document applier:"
              + " pushing only (pulling would move the cursor past mutations that applier never saw)")
          .orElse(null);
      if (pushOnlyReason != null) {
        note(pushOnlyReason);
      }
      SyncConfig config = SyncConfig.builder().target(local.target).pull(pushOnlyReason == null)
          .longPollWait(Duration.ZERO).changeCheckInterval(Duration.ZERO).build();
      try (SyncManager manager = SyncManager.create(store, transport, new DocumentApplier(), config)) {
        Bounded run = runBounded(store, manager);
        String status = manager.statusJson();
        return report(store, run, pushOnlyReason, status);
      }
    }
  }

  /** The token, checked before anything is opened; no message ever shows it. */
  private String bearerToken() {
    String option = token.value != null ? "--token" : "--token-file " + token.file;
    String bearer = token.value != null ? token.value.strip() : firstLineOf(token.file);
    if (bearer.isEmpty()) {
      throw usage(token.value != null ? "--token must not be blank"
          : option + " is empty; its first line must be the token");
    }
    for (int i = 0; i < bearer.length(); i++) {
      char c = bearer.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        throw usage(option + ": the token has a character not allowed in an HTTP header at index " + i
            + " (only visible ASCII; the token is not shown)");
      }
    }
    return bearer;
  }

  private String firstLineOf(Path file) {
    if (!Files.exists(file)) {
      throw usage("--token-file " + file + ": no such file");
    }
    if (Files.isDirectory(file)) {
      throw usage("--token-file " + file + ": not a file but a directory");
    }
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8).stream().findFirst().orElse("").strip();
    } catch (CharacterCodingException e) {
      throw usage("--token-file " + file + ": not UTF-8 text");
    } catch (IOException e) {
      throw usage("--token-file " + file + ": cannot be read (" + e.getClass().getSimpleName() + ")");
    }
  }

  private HttpSyncTransport transport(String bearer) {
    try {
      return HttpSyncTransport.builder().baseUrl(server).token(bearer).allowInsecureHttp(allowInsecureHttp)
          .userAgentPrefix("ferry-cli").build();
    } catch (IllegalArgumentException e) {
      throw usage("--server " + server + ": " + e.getMessage());
    }
  }

  /** A cycle's result, and whether it was stopped at {@code --max-seconds}. */
  private record Bounded(@Nullable CycleResult result, boolean timedOut) {}

  /**
   * Runs the cycle on a thread of its own and stops the manager at {@code --max-seconds}: the stop
   * cancels the call in flight and the cycle ends at its next batch or page, keeping what it acked
   * and applied.
   */
  private Bounded runBounded(SyncStore store, SyncManager manager) {
    CompletableFuture<CycleResult> cycle = new CompletableFuture<>();
    Thread worker = new Thread(() -> {
      try {
        cycle.complete(runWithProgress(store, manager));
      } catch (Throwable e) {
        cycle.completeExceptionally(e);
      }
    }, "ferry-cli-sync");
    worker.setDaemon(true);
    worker.start();
    try {
      return new Bounded(cycle.get(maxSeconds, TimeUnit.SECONDS), false);
    } catch (TimeoutException e) {
      manager.stop();
      try {
        return new Bounded(cycle.get(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS), true);
      } catch (TimeoutException | ExecutionException stillRunning) {
        return new Bounded(null, true);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        return new Bounded(null, true);
      }
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      manager.stop();
      throw CliFailure.failed("ferry sync was interrupted");
    }
  }

  private CycleResult runWithProgress(SyncStore store, SyncManager manager) {
    if (!Progress.onTerminal()) {
      return manager.runOnce();
    }
    long before = store.outbox().pendingCount(local.target);
    try (Progress progress = Progress.start("pushing", before, " mutations",
        () -> Math.max(0, before - store.outbox().pendingCount(local.target)))) {
      Thread refresher = new Thread(() -> {
        while (!Thread.currentThread().isInterrupted()) {
          progress.refresh();
          try {
            Thread.sleep(200);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "ferry-cli-progress");
      refresher.setDaemon(true);
      refresher.start();
      try {
        return manager.runOnce();
      } finally {
        refresher.interrupt();
      }
    }
  }

  private int report(SyncStore store, Bounded run, @Nullable String pushOnlyReason, String statusJson) {
    CycleResult r = run.result();
    if (r == null) {
      String line = "stopped after --max-seconds " + maxSeconds + "; the cycle did not end within "
          + STOP_GRACE.toSeconds() + " s more (what it acked and applied is kept)";
      if (json) {
        ObjectNode o = Json.object().put("outcome", "timed_out").put("exit_code", Ferry.FAILED)
            .put("target", local.target).put("server", server).put("timed_out", true).put("max_seconds", maxSeconds);
        o.set("status", Json.parse(statusJson));
        Json.print(out(), o);
      }
      note("ferry sync: " + line);
      return Ferry.FAILED;
    }
    int code = run.timedOut() ? Ferry.FAILED : switch (r.outcome()) {
      case SUCCESS -> Ferry.OK;
      case LEASE_HELD_ELSEWHERE -> Ferry.LEASE_BUSY;
      default -> Ferry.FAILED;
    };
    String line = run.timedOut()
        ? "stopped after --max-seconds " + maxSeconds + " (the server kept the cycle going); what it did is kept: "
            + counts(r) + "; run it again or raise --max-seconds"
        : summary(store, r);
    if (json) {
      ObjectNode o = Json.object().put("outcome", run.timedOut() ? "timed_out" : r.outcome().wireName())
          .put("exit_code", code).put("timed_out", run.timedOut()).put("max_seconds", maxSeconds)
          .put("target", local.target).put("server", server).put("push_only", pushOnlyReason != null)
          .put("push_only_reason", pushOnlyReason).put("pushed", r.pushed()).put("quarantined", r.quarantined())
          .put("held_back", r.heldBack()).put("pulled", r.pulled()).put("applied", r.applied())
          .put("phase", r.phase().wireName())
          .put("reason_code", r.reasonCode() == null ? null : r.reasonCode().wireName())
          .put("reason_message", r.reasonMessage()).put("lease_owner", r.leaseOwner())
          .put("duration_ms", r.duration().toMillis());
      o.set("status", Json.parse(statusJson));
      Json.print(out(), o);
      if (code != Ferry.OK) {
        note("ferry sync: " + line);
      }
    } else if (code == Ferry.OK) {
      out().println(line);
      out().flush();
    } else {
      note("ferry sync: " + line);
    }
    return code;
  }

  private static String counts(CycleResult r) {
    return "pushed " + r.pushed() + ", pulled " + r.pulled() + ", applied " + r.applied()
        + ", quarantined " + r.quarantined() + ", held back " + r.heldBack();
  }

  private String summary(SyncStore store, CycleResult r) {
    String counts = counts(r);
    return switch (r.outcome()) {
      case SUCCESS -> "synced target " + local.target + " with " + server + ": " + counts
          + (r.pullSkipped() ? " (push only)" : "") + " in " + r.duration().toMillis() + " ms";
      case LEASE_HELD_ELSEWHERE -> "the lease of target " + local.target + " is held by " + r.leaseOwner()
          + leaseExpiry(store) + "; another process syncs this file, try again later";
      case PAUSED -> r.reasonCode() == ReasonCode.RESYNC_REQUIRED ? "not synced: target " + local.target + ": "
          + r.reasonMessage() : "not synced: target " + local.target + " is paused (" + String.join(", ",
          store.targets().pauseReasons(local.target)) + "); 'ferry resume' removes a reason";
      default -> "sync " + r.outcome().wireName() + ": " + (r.reasonCode() == null ? "" : r.reasonCode().wireName())
          + (r.reasonMessage() == null ? "" : ": " + r.reasonMessage()) + " (" + counts + ")";
    };
  }

  private String leaseExpiry(SyncStore store) {
    return store.leases().current(local.target).filter(LeaseInfo::held)
        .map(l -> " until " + Instant.ofEpochMilli(l.expiresAtMillis()) + " unless renewed").orElse("");
  }
}
