/** Ferry store. */
@NullMarked
package dev.ferry.store;

import org.jspecify.annotations.NullMarked;
