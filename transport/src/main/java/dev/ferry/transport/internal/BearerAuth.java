package dev.ferry.transport.internal;

import dev.ferry.transport.TokenProvider;
import dev.ferry.transport.TransportException;
import dev.ferry.transport.TransportException.Kind;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import okhttp3.Request;
import org.jspecify.annotations.Nullable;

/**
 * Adds {@code Authorization: Bearer …} from a {@link TokenProvider}, and after a {@code 401} asks
 * the provider once for a fresh token and sends again.
 *
 * <p>The refresh may block (it may talk to an identity provider), so it runs on the transport's
 * executor while the caller waits: {@code close()} or an interrupt ends the wait at once and
 * cancels the refresh. The ordinary {@code token(false)} runs on the caller's thread, because
 * providers answer it from a cache.
 */
public final class BearerAuth {

  private final TokenProvider provider;
  private final Executor executor;
  private final CallTracker tracker;

  public BearerAuth(TokenProvider provider, Executor executor, CallTracker tracker) {
    this.provider = provider;
    this.executor = executor;
    this.tracker = tracker;
  }

  /** The state of one operation: at most one refresh, across all its attempts. */
  public final class Session {
    private final String operation;
    private final SecretRedactor redactor;
    private @Nullable String refreshed;

    Session(String operation, SecretRedactor redactor) {
      this.operation = operation;
      this.redactor = redactor;
    }

    /**
     * Sends the request built for the current token; on {@code 401}, refreshes once per operation
     * and sends again. Returns whatever the last exchange answered, 401 included.
     */
    public HttpResult send(Function<String, Request> requestForToken, HttpExchanger exchanger) {
      String token = refreshed != null ? refreshed : checked(ask(false), false);
      HttpResult result = exchanger.exchange(requestForToken.apply(token));
      if (result.status() != 401 || refreshed != null) {
        return result;
      }
      refreshed = refresh();
      return exchanger.exchange(requestForToken.apply(refreshed));
    }

    private String refresh() {
      FutureTask<String> task = new FutureTask<>(() -> provider.token(true));
      // A rejected execute (executor shut down by close()) surfaces as CANCELLED below.
      tracker.track(task);
      try {
        tracker.checkUsable(operation);
        executor.execute(task);
        return checked(task.get(), true);
      } catch (InterruptedException e) {
        task.cancel(true);
        Thread.currentThread().interrupt();
        throw CallTracker.cancelled(operation, "interrupted while refreshing the token");
      } catch (CancellationException e) {
        throw CallTracker.cancelled(operation, "the transport was closed during a token refresh");
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        throw new TransportException(
            Kind.AUTH,
            operation
                + " failed: HTTP 401 and the token provider failed to refresh ("
                + (cause == null ? "unknown" : cause.getClass().getName())
                + ")",
            401,
            null,
            null,
            cause);
      } catch (RejectedExecutionException e) {
        throw CallTracker.cancelled(operation, "the transport was closed during a token refresh");
      } finally {
        tracker.untrack(task);
      }
    }

    private @Nullable String ask(boolean refresh) {
      try {
        return provider.token(refresh);
      } catch (RuntimeException e) {
        throw new TransportException(
            Kind.AUTH,
            operation + " failed: the token provider failed (" + e.getClass().getName() + ")",
            e);
      }
    }

    private String checked(@Nullable String token, boolean refresh) {
      String why = TokenCheck.problem(token);
      if (why != null) {
        throw new TransportException(
            Kind.AUTH,
            operation
                + " failed: the token provider returned "
                + why
                + (refresh ? " when asked to refresh" : ""),
            refresh ? 401 : 0,
            null,
            null,
            null);
      }
      redactor.remember(token);
      return token;
    }
  }

  /** Starts the authentication state of one operation. */
  public Session session(String operation, SecretRedactor redactor) {
    return new Session(operation, redactor);
  }

  /** Sends one request; implemented by the transport around {@link HttpExchange}. */
  @FunctionalInterface
  public interface HttpExchanger {
    HttpResult exchange(Request request);
  }

  /** Whether a token can go into an HTTP header as is. */
  static final class TokenCheck {
    private TokenCheck() {}

    /** What is wrong with the token (never the token itself), or null when it is usable. */
    static @Nullable String problem(@Nullable String token) {
      if (token == null) {
        return "no token (null)";
      }
      if (token.isBlank()) {
        return "a blank token";
      }
      for (int i = 0; i < token.length(); i++) {
        char c = token.charAt(i);
        if (c <= 0x20 || c >= 0x7f) {
          return "a token with a character not allowed in an HTTP header (at index " + i + ")";
        }
      }
      return null;
    }
  }
}
