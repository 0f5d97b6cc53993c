/** Implementation of the store; not API, may change in any release. */
@NullMarked
package dev.ferry.store.internal;

import org.jspecify.annotations.NullMarked;
