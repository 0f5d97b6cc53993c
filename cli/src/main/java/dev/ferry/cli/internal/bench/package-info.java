/**
 * {@code ferry bench}: end-to-end measurements through an embedded server on loopback. Not API.
 */
@NullMarked
package dev.ferry.cli.internal.bench;

import org.jspecify.annotations.NullMarked;
