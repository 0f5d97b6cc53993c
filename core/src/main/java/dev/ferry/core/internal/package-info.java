/**
 * The sync loop behind {@link dev.ferry.core.SyncManager}: wake-up state, backoff, lease keeping,
 * push and pull steps, the cycle, cross-process change detection and status. Not API: anything here
 * may change without notice.
 */
@NullMarked
package dev.ferry.core.internal;

import org.jspecify.annotations.NullMarked;
