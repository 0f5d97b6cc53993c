/**
 * The reference Ferry sync server: wire protocol v1 over HTTP, backed by a {@link
 * dev.ferry.server.MutationLog} in SQLite or PostgreSQL.
 *
 * <p>Embed it with {@link dev.ferry.server.FerryServer#builder()}; configure who may do what with
 * {@link dev.ferry.server.TokenGrant} and how much a request may ask for with {@link
 * dev.ferry.server.ServerLimits}. Everything under {@code dev.ferry.server.internal} is
 * implementation and may change without notice.
 */
@NullMarked
package dev.ferry.server;

import org.jspecify.annotations.NullMarked;
