package dev.ferry.cli.internal.demo;

import dev.ferry.cli.internal.embedded.Percentiles;
import dev.ferry.core.SyncStatus;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link Demo} run did.
 *
 * @param converged whether every replica's documents equal the server log folded in seq order,
 *     with every write on the server exactly once and nothing pending
 * @param problem why it did not converge, or null
 * @param writeMillis from the first write to the last commit
 * @param elapsedMillis from the first write until convergence was seen (or the timeout)
 * @param serverMutations mutations in the server log
 * @param documents documents each replica holds at the end (tombstones included)
 * @param latency from a write's commit until another replica applied it
 * @param statuses each replica's status at the end, in replica order
 */
public record DemoResult(
    DemoSettings settings,
    String serverUrl,
    boolean converged,
    @Nullable String problem,
    long writeMillis,
    long elapsedMillis,
    long serverMutations,
    long documents,
    Percentiles latency,
    List<ReplicaStatus> statuses) {

  /** A replica's name, file and status. */
  public record ReplicaStatus(String name, String file, SyncStatus status, String statusJson) {}

  /** Writes per second while writing. */
  public double writesPerSecond() {
    return settings.mutations() * 1000.0 / Math.max(1, writeMillis);
  }

  /** Writes per second from the first write until every replica had all of them. */
  public double syncedPerSecond() {
    return settings.mutations() * 1000.0 / Math.max(1, elapsedMillis);
  }
}
