/** {@code ferry demo}: several replicas writing concurrently through an embedded server. Not API. */
@NullMarked
package dev.ferry.cli.internal.demo;

import org.jspecify.annotations.NullMarked;
