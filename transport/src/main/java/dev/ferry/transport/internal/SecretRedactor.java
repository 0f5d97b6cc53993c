package dev.ferry.transport.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Removes bearer tokens from text that may end up in an exception message or a log line.
 *
 * <p>The transport never writes a token into a message itself; this guards text it does not
 * control (a server's error text, a parser's excerpt of a response body) in case a server echoes
 * the token back. One instance lives for one operation and learns every token that operation
 * sent, including a refreshed one.
 */
public final class SecretRedactor {

  /** What a token is replaced with. */
  public static final String MASK = "<redacted>";

  private final Set<String> secrets = ConcurrentHashMap.newKeySet();

  /** Remembers a token to remove from later text. */
  public void remember(String secret) {
    if (!secret.isEmpty()) {
      secrets.add(secret);
    }
  }

  /** The text with every remembered token replaced by {@link #MASK}. */
  public String redact(String text) {
    String result = text;
    for (String secret : secrets) {
      if (result.contains(secret)) {
        result = result.replace(secret, MASK);
      }
    }
    return result;
  }
}
