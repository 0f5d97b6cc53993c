/** JMH benchmarks of Ferry's hot paths, one class per measured operation. */
@NullMarked
package dev.ferry.bench;

import org.jspecify.annotations.NullMarked;
