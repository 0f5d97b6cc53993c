/** Ferry cli. */
@NullMarked
package dev.ferry.cli;

import org.jspecify.annotations.NullMarked;
