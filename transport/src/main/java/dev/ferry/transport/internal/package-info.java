/** Implementation of the transport; not API, may change without notice. */
@NullMarked
package dev.ferry.transport.internal;

import org.jspecify.annotations.NullMarked;
