package dev.ferry.server.internal.storage;

import dev.ferry.server.MutationLog;
import dev.ferry.server.PayloadFidelityConformance;

/** {@link PayloadFidelityConformance} on PostgreSQL; skipped without {@code FERRY_TEST_PG_URL}. */
class PostgresPayloadFidelityTest extends PayloadFidelityConformance {

  private final PgTestSchema schema = new PgTestSchema();

  @Override
  protected void assumeStorageAvailable() {
    PgTestSchema.assumeAvailable();
  }

  @Override
  protected MutationLog openLog() {
    return MutationLog.postgres(PgTestSchema.URL, schema.name);
  }

  @Override
  protected void afterServerStopped() {
    schema.drop();
  }
}
