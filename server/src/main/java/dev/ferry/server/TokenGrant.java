package dev.ferry.server;

import java.util.Objects;
import java.util.Set;

/**
 * What one bearer token may do: the tenant it acts in and the projects it may read and write.
 *
 * <p>The server keeps only a hash of the token and compares hashes in constant time; {@link
 * #toString()} never shows the token. Immutable and thread-safe.
 *
 * @param token the bearer token, at least 16 characters, printable ASCII without spaces
 * @param tenant the tenant whose log the token reads and writes, not blank, at most 200 chars
 * @param read readable projects ({@code *} for all), possibly empty
 * @param write writable projects ({@code *} for all), possibly empty
 */
public record TokenGrant(String token, String tenant, Set<String> read, Set<String> write) {

  /** Minimum token length, so that a guessable token is refused at configuration time. */
  public static final int MIN_TOKEN_LENGTH = 16;

  /** Maximum tenant name length (it travels in PostgreSQL notifications and log keys). */
  public static final int MAX_TENANT_LENGTH = 200;

  public TokenGrant {
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(tenant, "tenant");
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
    read = Set.copyOf(Objects.requireNonNull(read, "read"));
    write = Set.copyOf(Objects.requireNonNull(write, "write"));
    ProjectSet.of(read);
    ProjectSet.of(write);
  }

  /** A token that may read and write every project of {@code tenant}. */
  public static TokenGrant allProjects(String token, String tenant) {
    return new TokenGrant(token, tenant, Set.of(ProjectSet.WILDCARD), Set.of(ProjectSet.WILDCARD));
  }

  /** The readable projects as a set. */
  public ProjectSet readable() {
    return ProjectSet.of(read);
  }

  /** The writable projects as a set. */
  public ProjectSet writable() {
    return ProjectSet.of(write);
  }

  /** Shows the tenant and grants, never the token. */
  @Override
  public String toString() {
    return "TokenGrant[token=***, tenant=" + tenant + ", read=" + read + ", write=" + write + "]";
  }
}
