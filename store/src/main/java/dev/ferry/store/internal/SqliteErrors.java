package dev.ferry.store.internal;

import dev.ferry.store.StoreBusyException;
import dev.ferry.store.StoreException;
import java.sql.SQLException;
import org.jspecify.annotations.Nullable;
import org.sqlite.SQLiteException;

/** Classifies SQLite failures (wherever Jdbi wrapped them) into {@link StoreException} kinds. */
public final class SqliteErrors {

  private static final int SQLITE_READONLY = 8;
  private static final int SQLITE_BUSY = 5;
  private static final int SQLITE_LOCKED = 6;
  private static final int SQLITE_IOERR = 10;
  private static final int SQLITE_CORRUPT = 11;
  private static final int SQLITE_FULL = 13;
  private static final int SQLITE_CANTOPEN = 14;
  private static final int SQLITE_NOTADB = 26;

  private SqliteErrors() {}

  /** The primary SQLite result code in {@code t}'s cause chain, or -1 when there is none. */
  public static int primaryCode(Throwable t) {
    SQLException sql = findSql(t);
    if (sql == null) {
      return -1;
    }
    if (sql instanceof SQLiteException e) {
      return e.getResultCode().code & 0xff;
    }
    return sql.getErrorCode() & 0xff;
  }

  /** Whether {@code t} is a transient lock conflict ({@code SQLITE_BUSY} or {@code SQLITE_LOCKED}). */
  public static boolean isBusy(Throwable t) {
    int code = primaryCode(t);
    return code == SQLITE_BUSY || code == SQLITE_LOCKED;
  }

  /**
   * {@code t} as a classified store exception. Store exceptions and argument errors pass through.
   *
   * @param what what the store was doing, e.g. {@code "acking 12 mutations"}
   */
  public static RuntimeException translate(Throwable t, String what) {
    if (t instanceof StoreException || t instanceof IllegalArgumentException) {
      return (RuntimeException) t;
    }
    int code = primaryCode(t);
    String detail = rootMessage(t);
    return switch (code) {
      case SQLITE_BUSY, SQLITE_LOCKED -> new StoreBusyException(
          what + " failed: the database is locked by another connection (" + detail + ")", t);
      case SQLITE_NOTADB -> new StoreException(
          StoreException.Kind.NOT_A_DATABASE, what + " failed: the file is not a SQLite database", t);
      case SQLITE_CORRUPT -> new StoreException(
          StoreException.Kind.CORRUPT, what + " failed: the database file is malformed (" + detail + ")", t);
      case SQLITE_CANTOPEN -> new StoreException(
          StoreException.Kind.CANNOT_OPEN, what + " failed: cannot open the database file (" + detail + ")", t);
      case SQLITE_IOERR, SQLITE_FULL, SQLITE_READONLY -> new StoreException(
          StoreException.Kind.IO, what + " failed: " + detail, t);
      default -> new StoreException(StoreException.Kind.INTERNAL, what + " failed: " + detail, t);
    };
  }

  private static @Nullable SQLException findSql(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof SQLException e) {
        return e;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return null;
  }

  /** The message of the SQL failure in {@code t}'s cause chain, else of {@code t}. */
  public static String rootMessage(Throwable t) {
    SQLException sql = findSql(t);
    Throwable source = sql != null ? sql : t;
    String message = source.getMessage();
    return message != null ? message : source.getClass().getSimpleName();
  }
}
