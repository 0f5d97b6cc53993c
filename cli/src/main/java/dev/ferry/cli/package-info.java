/**
 * The {@code ferry} command: {@link dev.ferry.cli.Ferry} is its entry point. Commands live in
 * {@code dev.ferry.cli.internal}, which is not API.
 */
@NullMarked
package dev.ferry.cli;

import org.jspecify.annotations.NullMarked;
