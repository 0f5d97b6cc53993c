/** Implementation of the reference server shared by its HTTP and storage parts; not an API. */
@NullMarked
package dev.ferry.server.internal;

import org.jspecify.annotations.NullMarked;
