package dev.ferry.server.internal.storage;

import dev.ferry.server.MutationLog;
import dev.ferry.server.PushIntegrityConformance;
import org.junit.jupiter.api.BeforeEach;

/** {@link PushIntegrityConformance} on PostgreSQL; skipped without {@code FERRY_TEST_PG_URL}. */
class PostgresPushIntegrityTest extends PushIntegrityConformance {

  private final PgTestSchema schema = new PgTestSchema();

  @BeforeEach
  void requirePostgres() {
    PgTestSchema.assumeAvailable();
  }

  @Override
  protected MutationLog openLog() {
    return MutationLog.postgres(PgTestSchema.URL, schema.name);
  }

  @Override
  protected void execute(String sql) {
    schema.execute(sql);
  }

  @Override
  protected void afterServerStopped() {
    schema.drop();
  }
}
