package dev.ferry.server.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.server.StorageException;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class LoggedFailureTest {

  @Test
  void describe_namesClassesSqlStateAndFrames_butNoMessageText() {
    BatchUpdateException batch = new BatchUpdateException("Batch entry 0 VALUES ('secret')", null);
    batch.setNextException(new SQLException("duplicate key (tenant)=(secret)", "23505", 0));
    IllegalStateException wrapper = new IllegalStateException("[arguments:{secret}]", batch);

    String text = LoggedFailure.describe(new StorageException("append to the log failed", wrapper));

    assertFalse(text.contains("secret"), text);
    assertTrue(
        text.startsWith(
            "StorageException(append to the log failed) <- IllegalStateException"
                + " <- BatchUpdateException[SQLState null, code 0]"
                + " <- SQLException[SQLState 23505, code 0] at "),
        text);
    assertTrue(text.contains("LoggedFailureTest"), "the innermost cause's frames: " + text);
  }

  @Test
  void describe_causeCycle_ends() {
    IllegalStateException a = new IllegalStateException("a");
    IllegalArgumentException b = new IllegalArgumentException("b", a);
    a.initCause(b);

    assertTrue(
        LoggedFailure.describe(a)
            .startsWith("IllegalStateException <- IllegalArgumentException at "));
  }
}
