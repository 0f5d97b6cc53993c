/** Ferry transport. */
@NullMarked
package dev.ferry.transport;

import org.jspecify.annotations.NullMarked;
