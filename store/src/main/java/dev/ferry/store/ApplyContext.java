package dev.ferry.store;

import java.sql.Connection;
import org.jdbi.v3.core.Handle;

/**
 * The transaction a {@link MutationApplier} runs in. Valid only during the call; not thread-safe.
 */
public interface ApplyContext {

  /** The Jdbi handle of the store's write transaction (already begun; do not commit it). */
  Handle handle();

  /** The JDBC connection of the same transaction. */
  Connection connection();

  /** The target whose page is being applied. */
  String target();
}
