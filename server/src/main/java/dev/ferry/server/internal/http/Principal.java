package dev.ferry.server.internal.http;

import dev.ferry.server.ProjectSet;
import java.util.Objects;

/**
 * Who is asking, as established by the bearer token.
 *
 * @param tenant whose log the request reads or writes
 * @param readable projects the request may read
 * @param writable projects the request may write
 */
record Principal(String tenant, ProjectSet readable, ProjectSet writable) {
  Principal {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(readable, "readable");
    Objects.requireNonNull(writable, "writable");
  }
}
