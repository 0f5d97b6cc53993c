package dev.ferry.server.internal.http;

import dev.ferry.server.ProjectSet;
import java.util.Objects;

/**
 * Who is asking, as established by the bearer token.
 *
 * @param tenant whose log the request reads or writes
 * @param name the principal within the tenant, to which the replicas it pushes are bound
 * @param readable projects the request may read
 * @param writable projects the request may write
 */
record Principal(String tenant, String name, ProjectSet readable, ProjectSet writable) {

  /**
   * The principal of requests without a known token on a server without authentication. Not a
   * possible grant name, so no token shares its replicas.
   */
  static final String ANONYMOUS = "(anonymous)";

  Principal {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(readable, "readable");
    Objects.requireNonNull(writable, "writable");
  }
}
