package dev.ferry.server.internal.http;

import dev.ferry.server.ProjectSet;
import dev.ferry.server.TokenGrant;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Maps bearer tokens to principals while holding only SHA-256 hashes of the tokens. A presented
 * token is hashed and compared against every stored hash with {@link MessageDigest#isEqual}
 * (constant time) and without stopping at a match, so response time says nothing about how close a
 * guess was or which entry matched. With an insecure tenant (a development server without
 * authentication) a request with no token or an unknown one acts in that tenant with every
 * project, as the principal {@value Principal#ANONYMOUS}; a known token still gets its own
 * grant, and speaks for its grant's name. Immutable and thread-safe.
 */
final class TokenRegistry {

  private static final String BEARER = "bearer ";

  private final List<Entry> entries;
  private final @Nullable Principal anonymous;

  private record Entry(byte[] hash, Principal principal) {}

  /**
   * @throws IllegalArgumentException if two grants have the same token
   */
  TokenRegistry(List<TokenGrant> grants) {
    this(grants, null);
  }

  /**
   * @param insecureTenant when not null, the tenant in which requests without a known token act,
   *     reading and writing every project
   * @throws IllegalArgumentException if two grants have the same token
   */
  TokenRegistry(List<TokenGrant> grants, @Nullable String insecureTenant) {
    List<Entry> list = new ArrayList<>(grants.size());
    Set<String> seen = new HashSet<>();
    for (TokenGrant g : grants) {
      byte[] hash = sha256(g.token());
      if (!seen.add(HexFormat.of().formatHex(hash))) {
        throw new IllegalArgumentException(
            "two grants must not share a token (tenant " + g.tenant() + ")");
      }
      list.add(new Entry(hash, new Principal(g.tenant(), g.name(), g.readable(), g.writable())));
    }
    this.entries = List.copyOf(list);
    this.anonymous =
        insecureTenant == null
            ? null
            : new Principal(insecureTenant, Principal.ANONYMOUS, ProjectSet.ALL, ProjectSet.ALL);
  }

  /**
   * The principal of an {@code Authorization} header value.
   *
   * @throws ApiException 401 {@code missing_token} without a bearer token, {@code invalid_token}
   *     for a token no grant has; never with an insecure tenant
   */
  Principal authenticate(@Nullable String authorization) {
    Principal open = anonymous;
    if (open == null) {
      return strict(authorization);
    }
    try {
      return strict(authorization);
    } catch (ApiException e) {
      return open;
    }
  }

  private Principal strict(@Nullable String authorization) {
    if (authorization == null || authorization.isBlank()) {
      throw ApiException.auth("missing_token", "an Authorization: Bearer token is required");
    }
    String header = authorization.trim();
    if (header.length() <= BEARER.length()
        || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      throw ApiException.auth("missing_token", "the Authorization header must be 'Bearer <token>'");
    }
    byte[] presented = sha256(header.substring(BEARER.length()).trim());
    Principal found = null;
    for (Entry e : entries) {
      if (MessageDigest.isEqual(e.hash(), presented) && found == null) {
        found = e.principal();
      }
    }
    if (found == null) {
      throw ApiException.auth("invalid_token", "the token is not valid");
    }
    return found;
  }

  private static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
