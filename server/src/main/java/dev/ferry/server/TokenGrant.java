package dev.ferry.server;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What one bearer token may do: the tenant it acts in, the principal it speaks for, and the
 * projects it may read and write.
 *
 * <p>The {@code name} is the principal: the first push that stores a replica's mutations binds that
 * {@code replica_id} to it, and only tokens with the same name (in the same tenant) may push under
 * the id afterwards. Tokens sharing a name are one principal, so a rotated token keeps its
 * replicas when the new token gets the old one's name; they must therefore have the same grants.
 * A grant made without a name is named {@value #DEFAULT_NAME}.
 *
 * <p>The server keeps only a hash of the token and compares hashes in constant time; {@link
 * #toString()} never shows the token. Immutable and thread-safe.
 *
 * @param token the bearer token, at least 16 characters, printable ASCII without spaces
 * @param tenant the tenant whose log the token reads and writes, not blank, at most 200 chars
 * @param name the principal, 1 to 100 of ASCII letters, digits, {@code . _ - @}
 * @param read readable projects ({@code *} for all), possibly empty
 * @param write writable projects ({@code *} for all), possibly empty
 */
public record TokenGrant(
    String token, String tenant, String name, Set<String> read, Set<String> write) {

  /** Minimum token length, so that a guessable token is refused at configuration time. */
  public static final int MIN_TOKEN_LENGTH = 16;

  /** Maximum tenant name length (it travels in PostgreSQL notifications and log keys). */
  public static final int MAX_TENANT_LENGTH = 200;

  /** The name of a grant made without one. */
  public static final String DEFAULT_NAME = "default";

  /** Maximum principal name length. */
  public static final int MAX_NAME_LENGTH = 100;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]{1," + MAX_NAME_LENGTH + "}");

  public TokenGrant {
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(name, "name");
    if (token.length() < MIN_TOKEN_LENGTH) {
      throw new IllegalArgumentException(
          "token must be at least " + MIN_TOKEN_LENGTH + " characters");
    }
    if (!token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new IllegalArgumentException("token must be printable ASCII without spaces");
    }
    if (tenant.isBlank() || tenant.length() > MAX_TENANT_LENGTH) {
      throw new IllegalArgumentException(
          "tenant must not be blank and at most " + MAX_TENANT_LENGTH + " characters");
    }
    if (tenant.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException("tenant must not contain control characters");
    }
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "name must be 1 to "
              + MAX_NAME_LENGTH
              + " ASCII letters, digits, '.', '_', '-' or '@', was '"
              + shorten(name)
              + "'");
    }
    read = Set.copyOf(Objects.requireNonNull(read, "read"));
    write = Set.copyOf(Objects.requireNonNull(write, "write"));
    ProjectSet.of(read);
    ProjectSet.of(write);
  }

  /** A grant named {@value #DEFAULT_NAME}. */
  public TokenGrant(String token, String tenant, Set<String> read, Set<String> write) {
    this(token, tenant, DEFAULT_NAME, read, write);
  }

  /** A token named {@value #DEFAULT_NAME} that may read and write every project of {@code tenant}. */
  public static TokenGrant allProjects(String token, String tenant) {
    return new TokenGrant(token, tenant, Set.of(ProjectSet.WILDCARD), Set.of(ProjectSet.WILDCARD));
  }

  /**
   * This grant under another principal name.
   *
   * @throws IllegalArgumentException if the name breaks the rule of {@link #name()}
   */
  public TokenGrant withName(String name) {
    return new TokenGrant(token, tenant, name, read, write);
  }

  /** The readable projects as a set. */
  public ProjectSet readable() {
    return ProjectSet.of(read);
  }

  /** The writable projects as a set. */
  public ProjectSet writable() {
    return ProjectSet.of(write);
  }

  /**
   * Checks that grants can serve together, as {@link FerryServer.Builder#build()} does: no token
   * twice, and tokens of one tenant with one name (one principal) have the same grants, or a
   * narrower token would act for the wider one's replicas. Messages never show a token.
   *
   * @throws IllegalArgumentException naming the first rule broken
   */
  public static void checkTogether(Collection<TokenGrant> grants) {
    long distinct = grants.stream().map(TokenGrant::token).distinct().count();
    if (distinct != grants.size()) {
      throw new IllegalArgumentException("two grants must not share a token");
    }
    Map<List<String>, TokenGrant> byPrincipal = new HashMap<>();
    for (TokenGrant g : grants) {
      List<String> key = List.of(g.tenant(), g.name());
      TokenGrant first = byPrincipal.putIfAbsent(key, g);
      if (first != null && !(first.read().equals(g.read()) && first.write().equals(g.write()))) {
        throw new IllegalArgumentException(
            "tokens named '"
                + g.name()
                + "' in tenant "
                + g.tenant()
                + " have different grants; tokens sharing a name are one principal (they share"
                + " replicas), so give each a name of its own"
                + (g.name().equals(DEFAULT_NAME) ? " (a token without a name is named 'default')" : ""));
      }
    }
  }

  /** Shows the tenant, name and grants, never the token. */
  @Override
  public String toString() {
    return "TokenGrant[token=***, tenant="
        + tenant
        + ", name="
        + name
        + ", read="
        + read
        + ", write="
        + write
        + "]";
  }

  private static String shorten(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "…";
  }
}
