package dev.ferry.server.internal.storage;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * A PostgreSQL schema of its own for one test, on {@code FERRY_TEST_PG_URL}, so that tests of
 * parallel builds sharing the database never meet.
 */
final class PgTestSchema {

  static final String URL = System.getenv("FERRY_TEST_PG_URL");

  final String name = "ferry_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);

  /** Skips the running test without {@code FERRY_TEST_PG_URL}. */
  static void assumeAvailable() {
    Assumptions.assumeTrue(available(), "FERRY_TEST_PG_URL is not set");
  }

  static boolean available() {
    return URL != null && !URL.isBlank();
  }

  /** Runs {@code sql} with the schema first on the search path. */
  void execute(String sql) {
    run("SET search_path TO " + name, sql);
  }

  /** Drops the schema and all it holds; nothing when PostgreSQL is not configured. */
  void drop() {
    if (available()) {
      run("DROP SCHEMA IF EXISTS " + name + " CASCADE");
    }
  }

  private static void run(String... statements) {
    try (Connection c = DriverManager.getConnection(URL);
        Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("SQL on the test database failed: " + e.getMessage(), e);
    }
  }
}
