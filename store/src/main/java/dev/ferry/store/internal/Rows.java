package dev.ferry.store.internal;

import dev.ferry.store.MutationState;
import dev.ferry.store.PendingMutation;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.jspecify.annotations.Nullable;

/** Reading {@code ferry_mutations} rows; the column list and the mapper live together. */
public final class Rows {

  /** The columns {@link #mutation} reads, in order. */
  public static final String MUTATION_COLUMNS =
      "seq, target, project, entity, entity_key, op, payload, created_at, state, attempts,"
          + " error_code, last_error, server_seq";

  private Rows() {}

  /**
   * The current row as stored. NULL text (impossible under the schema, but the row may come from
   * anywhere) reads as empty so a reader never crashes on it.
   */
  public static PendingMutation mutation(ResultSet rs) throws SQLException {
    long serverSeq = rs.getLong(13);
    Long server = rs.wasNull() ? null : serverSeq;
    return new PendingMutation(
        rs.getLong(1),
        text(rs.getString(2)),
        text(rs.getString(3)),
        text(rs.getString(4)),
        text(rs.getString(5)),
        text(rs.getString(6)),
        text(rs.getString(7)),
        rs.getLong(8),
        MutationState.fromWireName(rs.getString(9)),
        rs.getInt(10),
        rs.getString(11),
        rs.getString(12),
        server);
  }

  /** The nullable long in column {@code index}. */
  public static @Nullable Long nullableLong(ResultSet rs, int index) throws SQLException {
    long v = rs.getLong(index);
    return rs.wasNull() ? null : v;
  }

  private static String text(@Nullable String s) {
    return s == null ? "" : s;
  }

  /**
   * Why a pending row cannot be pushed as stored, or null when it can.
   */
  public static @Nullable String corruption(PendingMutation m) {
    if (m.project().isBlank()) {
      return "project is blank";
    }
    if (m.entity().isBlank()) {
      return "entity is blank";
    }
    if (m.entityKey().isBlank()) {
      return "entity_key is blank";
    }
    if (m.op().isBlank()) {
      return "op is blank";
    }
    String problem = JsonValidator.problem(m.payloadJson());
    return problem == null ? null : "payload is not valid JSON: " + problem;
  }
}
