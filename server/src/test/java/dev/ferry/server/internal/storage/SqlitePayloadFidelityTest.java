package dev.ferry.server.internal.storage;

import dev.ferry.server.MutationLog;
import dev.ferry.server.PayloadFidelityConformance;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqlitePayloadFidelityTest extends PayloadFidelityConformance {

  @TempDir Path dir;

  @Override
  protected MutationLog openLog() {
    return MutationLog.sqlite(dir.resolve("server.db"));
  }
}
