/**
 * Ferry's sync loop: {@link dev.ferry.core.SyncManager} pushes a store's outbox to a sync server,
 * pulls the server's mutations into the host's applier under a per-target lease, and reports what
 * it does as a {@link dev.ferry.core.SyncStatus}. Configure it with {@link
 * dev.ferry.core.SyncConfig}. Implementation lives in {@code dev.ferry.core.internal}, which is not
 * API.
 */
@NullMarked
package dev.ferry.core;

import org.jspecify.annotations.NullMarked;
