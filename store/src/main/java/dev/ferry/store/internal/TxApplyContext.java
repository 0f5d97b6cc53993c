package dev.ferry.store.internal;

import dev.ferry.store.ApplyContext;
import java.sql.Connection;
import org.jdbi.v3.core.Handle;

/** The applier's view of the page transaction. */
record TxApplyContext(Handle handle, String target) implements ApplyContext {

  @Override
  public Connection connection() {
    return handle.getConnection();
  }
}
