package dev.ferry.cli.internal;

import dev.ferry.store.SyncStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.sqlite.SQLiteConfig;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Opens the local SQLite file that {@code status}, {@code outbox}, {@code pause} and {@code resume}
 * work on. These commands never make a file into a Ferry file: opening a {@link SyncStore} creates
 * Ferry's tables, so an empty file or another application's database given by mistake would be
 * changed by a command that was only meant to look. They first look, read-only, for Ferry's
 * {@code ferry_meta} table.
 */
final class LocalFile {

  private static final String HAS_FERRY_TABLES =
      "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'ferry_meta'";

  private LocalFile() {}

  /**
   * Opens an existing Ferry file.
   *
   * @throws ParameterException when the file does not exist or is a directory
   * @throws CliFailure when it is a SQLite database without Ferry's tables (it is left as it was)
   * @throws dev.ferry.store.StoreException when it cannot be opened (not a database, too new, …)
   */
  static SyncStore openExisting(CommandSpec spec, Path file) {
    if (!Files.exists(file)) {
      throw new ParameterException(spec.commandLine(), "no such file: " + file);
    }
    if (Files.isDirectory(file)) {
      throw new ParameterException(spec.commandLine(), "not a file but a directory: " + file);
    }
    if (isSqliteWithoutFerryTables(file)) {
      throw CliFailure.failed(file + " has no Ferry tables: no application using Ferry has opened it"
          + " (the file was not changed; check --db)");
    }
    return SyncStore.open(file);
  }

  /**
   * Whether the file is a SQLite database (an empty file counts) without {@code ferry_meta}. False
   * when it cannot be read as SQLite at all: {@link SyncStore#open} then says why.
   */
  private static boolean isSqliteWithoutFerryTables(Path file) {
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    try (Connection c = config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
        PreparedStatement ps = c.prepareStatement(HAS_FERRY_TABLES);
        ResultSet rs = ps.executeQuery()) {
      return !rs.next();
    } catch (SQLException e) {
      return false;
    }
  }
}
