package dev.ferry.cli.internal;

import dev.ferry.store.SyncStore;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Opens the local SQLite file a command works on. */
final class LocalFile {

  private LocalFile() {}

  /**
   * Opens an existing file; a missing one is bad usage (nothing is created for a typo).
   *
   * @throws ParameterException when the file does not exist or is a directory
   * @throws dev.ferry.store.StoreException when it cannot be opened (not a database, too new, …)
   */
  static SyncStore openExisting(CommandSpec spec, Path file) {
    if (!Files.exists(file)) {
      throw new ParameterException(spec.commandLine(), "no such file: " + file);
    }
    if (Files.isDirectory(file)) {
      throw new ParameterException(spec.commandLine(), "not a file but a directory: " + file);
    }
    return SyncStore.open(file);
  }
}
