package dev.ferry.server.internal.storage;

import dev.ferry.server.MutationLog;
import dev.ferry.server.PushIntegrityConformance;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.io.TempDir;

class SqlitePushIntegrityTest extends PushIntegrityConformance {

  @TempDir Path dir;

  @Override
  protected MutationLog openLog() {
    return MutationLog.sqlite(dir.resolve("server.db"));
  }

  @Override
  protected void execute(String sql) {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("server.db"));
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
