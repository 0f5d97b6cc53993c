/** Ferry server. */
@NullMarked
package dev.ferry.server;

import org.jspecify.annotations.NullMarked;
