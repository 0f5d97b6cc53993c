package dev.ferry.core;

import java.util.Locale;
import java.util.Optional;

/**
 * Why a {@link SyncManager} is in its {@link Phase}: a classified, stable code a host can act on
 * (for example, ask the user to sign in again on {@link #AUTH_REQUIRED}). Shown by its {@link
 * #wireName()} in JSON and persisted in the store.
 */
public enum ReasonCode {
  /**
   * The server refused the credentials, even after the transport asked its token provider once
   * for a fresh token; retries wait the maximum backoff.
   */
  AUTH_REQUIRED,
  /**
   * The server refused a request (403) or held back a project's mutations with a retryable
   * rejection (they stay pending, the other projects go on).
   */
  POLICY_FORBIDDEN,
  /** Wrong URL or a server without this protocol (404 and the like). */
  SERVER_UNSUPPORTED,
  /** The server could not be reached, timed out, answered 5xx or rate-limited the client. */
  TRANSPORT_FAILED,
  /** The server's answer broke the protocol (or it refused a request as malformed); nothing was acked. */
  PROTOCOL_ERROR,
  /** Another process took the lease (or the server saw a newer lease epoch); the cycle stopped. */
  LEASE_LOST,
  /** Another process holds the lease; this manager waits and keeps trying to take over. */
  LEASE_HELD_ELSEWHERE,
  /** At least one pause reason is set. */
  PAUSED,
  /** The target uses explicit enrollment and mutations of projects that are not enrolled wait. */
  NON_ENROLLED_PENDING_MUTATIONS,
  /**
   * The server's log is not the one the cursor counts in: another {@code log_id}, or a {@code
   * latest_seq} below the cursor (an older backup restored, an empty database, another deployment
   * behind the URL). Ferry re-pushes the local writes the log may have lost and rebuilds the synced
   * state from the new log by itself; a cycle that did so reads {@code healthy} with this code and
   * says what it did. Shown as a failure when the log changed again within the same cycle.
   */
  LOG_RESET,
  /**
   * The server's log was replaced and the applier cannot rebuild its synced state by itself
   * ({@code MutationApplier.resetSynced}): phase {@code disabled}, nothing is pushed or pulled until
   * an operator clears what the applier wrote from the server and runs {@code ferry resync}.
   */
  RESYNC_REQUIRED,
  /** An unexpected exception inside a cycle (a bug, the host's applier, the database); contained. */
  INTERNAL_ERROR,
  /**
   * Sync is healthy, but pulled mutations that could not be applied wait in the inbound quarantine
   * ({@code ferry inbox list}; retry or skip them).
   */
  INBOUND_QUARANTINED;

  private final String wireName = name().toLowerCase(Locale.ROOT);

  /** The snake_case name used in JSON and in the database. */
  public String wireName() {
    return wireName;
  }

  /** The code with this wire name, if any. */
  public static Optional<ReasonCode> fromWireName(String name) {
    for (ReasonCode c : values()) {
      if (c.wireName.equals(name)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }
}
