/**
 * The commands of {@code ferry} and what they share: the picocli wiring ({@link
 * dev.ferry.cli.internal.CommandLines}), JSON output, progress bars and local files. Not API.
 */
@NullMarked
package dev.ferry.cli.internal;

import org.jspecify.annotations.NullMarked;
