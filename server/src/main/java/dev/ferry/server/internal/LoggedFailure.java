package dev.ferry.server.internal;

import dev.ferry.server.StorageException;
import java.sql.SQLException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Describes a failure for the server log without the text of its messages.
 *
 * <p>Exception messages carry request data: Jdbi appends every bound argument (replica ids,
 * payloads) to its messages, the PostgreSQL driver prints a failed batch with its values, and
 * Jackson quotes what it could not read. A server log must hold none of that, so a failure is
 * described by the classes in its cause chain, the SQLState and vendor code of SQL failures, the
 * server's own {@link StorageException} text (which names the operation, never data) and the top
 * frames of the innermost cause, which is enough to locate a bug.
 */
public final class LoggedFailure {

  private static final int MAX_CAUSES = 8;
  private static final int FRAMES = 5;

  private LoggedFailure() {}

  /**
   * E.g. {@code StorageException(append to the SQLite log failed) <-
   * UnableToExecuteStatementException <- SQLiteException[SQLState null, code 1] at
   * org.sqlite.core.DB.newSQLException(DB.java:1179) ...}.
   */
  public static String describe(Throwable failure) {
    StringBuilder out = new StringBuilder();
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    Throwable innermost = failure;
    for (Throwable t = failure; t != null && seen.size() < MAX_CAUSES && seen.add(t); t = next(t)) {
      if (t != failure) {
        out.append(" <- ");
      }
      out.append(t.getClass().getSimpleName());
      if (t instanceof StorageException) {
        out.append('(').append(t.getMessage()).append(')');
      }
      if (t instanceof SQLException sql) {
        out.append("[SQLState ")
            .append(sql.getSQLState())
            .append(", code ")
            .append(sql.getErrorCode())
            .append(']');
      }
      innermost = t;
    }
    StackTraceElement[] frames = innermost.getStackTrace();
    for (int i = 0; i < Math.min(FRAMES, frames.length); i++) {
      out.append(i == 0 ? " at " : " < ").append(frames[i]);
    }
    return out.toString();
  }

  /** The cause, or for a SQL failure without one the next exception (a batch's real error). */
  private static Throwable next(Throwable t) {
    if (t.getCause() == null && t instanceof SQLException sql) {
      return sql.getNextException();
    }
    return t.getCause();
  }
}
