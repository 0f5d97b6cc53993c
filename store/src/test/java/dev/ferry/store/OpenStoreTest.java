package dev.ferry.store;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The set-up most store tests share: a store on a file in a fresh temporary folder, on a test
 * clock, opened before each test and closed after it (a test may replace {@link #store}; the one
 * left open is closed).
 */
abstract class OpenStoreTest {

  @TempDir Path dir;
  final TestClock clock = new TestClock();
  SyncStore store;

  @BeforeEach
  void openStore() {
    store = Fixtures.open(dir, clock);
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  /** A writer under a fresh lease of {@link Fixtures#TARGET}, with the document applier. */
  FencedWriter documentWriter() {
    return store.fenced(Fixtures.lease(store), new DocumentApplier());
  }
}
