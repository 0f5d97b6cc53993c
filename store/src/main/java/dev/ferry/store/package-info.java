/**
 * Ferry's store: the outbox, cursor, lease, enrollment, pause reasons and document store in the
 * host's SQLite file. Start at {@link dev.ferry.store.SyncStore}. Implementation lives in {@code
 * dev.ferry.store.internal}, which is not API.
 */
@NullMarked
package dev.ferry.store;

import org.jspecify.annotations.NullMarked;
