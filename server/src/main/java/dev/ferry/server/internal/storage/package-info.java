/**
 * The SQLite and PostgreSQL {@link dev.ferry.server.MutationLog} implementations and the JDBC code
 * they share (append with dedupe and lease check, page reads, a handle pool).
 */
@NullMarked
package dev.ferry.server.internal.storage;

import org.jspecify.annotations.NullMarked;
