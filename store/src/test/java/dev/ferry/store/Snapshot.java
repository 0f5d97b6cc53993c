package dev.ferry.store;

import java.util.List;

/** Every row of every Ferry table as text, to show that a refused write changed nothing. */
final class Snapshot {

  private static final List<String> TABLES = List.of("ferry_mutations", "ferry_targets", "ferry_enrolled",
      "ferry_pause_reasons", "ferry_errors", "ferry_leases", "ferry_shadows", "ferry_documents");

  private Snapshot() {}

  static String of(SyncStore store) {
    return store.jdbi().withHandle(h -> {
      StringBuilder sb = new StringBuilder();
      for (String table : TABLES) {
        sb.append(table).append('\n');
        h.select("SELECT * FROM " + table + " ORDER BY 1, 2").mapToMap().forEach(row -> sb.append(row).append('\n'));
      }
      return sb.toString();
    });
  }
}
