package dev.ferry.core.internal;

import dev.ferry.core.ReasonCode;
import dev.ferry.store.ApplyFailedException;
import dev.ferry.store.StoreBusyException;
import dev.ferry.store.StoreException;
import dev.ferry.transport.TransportException;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * A failed cycle, classified by the exception's type and kind (never its message).
 *
 * @param code the reason code to show
 * @param message human text, without secrets (transport messages never contain tokens)
 * @param retryAfter the server's {@code Retry-After}, a floor for the backoff; null when none
 * @param atMaximum whether the retry waits the maximum backoff at once ({@code auth_required})
 * @param unexpected whether it was not a classified sync failure (phase {@code backoff}, logged with
 *     its stack); a busy database is classified: transient, phase by stage
 */
public record Failure(
    ReasonCode code, String message, @Nullable Duration retryAfter, boolean atMaximum, boolean unexpected) {

  /** Classifies what a cycle threw. */
  public static Failure of(Throwable e) {
    if (e instanceof TransportException t) {
      return ofTransport(t);
    }
    if (e instanceof LogResetDetected r) {
      return new Failure(ReasonCode.LOG_RESET, "the server's log changed again while recovering from a reset: "
          + r.getMessage(), null, false, false);
    }
    if (e instanceof ApplyFailedException a) {
      Throwable cause = a.getCause();
      return new Failure(ReasonCode.INTERNAL_ERROR, "the applier failed at server seq " + a.serverSeq() + ": "
          + (cause == null ? a.getMessage() : cause.toString()), null, false, true);
    }
    if (e instanceof StoreBusyException b) {
      // Another connection or process held the write lock through the store's bounded retries:
      // transient, like a server that is briefly unavailable, and no bug to print a stack for.
      return new Failure(ReasonCode.INTERNAL_ERROR, "the database file was busy;"
          + " retrying after the backoff: " + b.getMessage(), null, false, false);
    }
    if (e instanceof StoreException s) {
      return new Failure(ReasonCode.INTERNAL_ERROR, "store " + s.kind().name().toLowerCase(java.util.Locale.ROOT)
          + ": " + s.getMessage(), null, false, true);
    }
    return new Failure(ReasonCode.INTERNAL_ERROR, "unexpected " + e, null, false, true);
  }

  private static Failure ofTransport(TransportException t) {
    String message = t.getMessage() == null ? t.kind().name() : t.getMessage();
    Duration retryAfter = t.retryAfter().orElse(null);
    return switch (t.kind()) {
      case AUTH -> new Failure(ReasonCode.AUTH_REQUIRED, message, retryAfter, true, false);
      case FORBIDDEN -> new Failure(ReasonCode.POLICY_FORBIDDEN, message, retryAfter, false, false);
      case UNSUPPORTED -> new Failure(ReasonCode.SERVER_UNSUPPORTED, message, retryAfter, false, false);
      case STALE_LEASE -> new Failure(ReasonCode.LEASE_LOST, message, retryAfter, false, false);
      case RATE_LIMITED, UNAVAILABLE, CANCELLED ->
          new Failure(ReasonCode.TRANSPORT_FAILED, message, retryAfter, false, false);
      case PROTOCOL, TOO_LARGE -> new Failure(ReasonCode.PROTOCOL_ERROR, message, retryAfter, false, false);
    };
  }
}
