/**
 * What {@code ferry demo} and {@code ferry bench} run in one JVM: a reference server on a free
 * loopback port, replicas with their own files and managers, the server log folded into the
 * documents every replica must end with, and latency percentiles. Not API.
 */
@NullMarked
package dev.ferry.cli.internal.embedded;

import org.jspecify.annotations.NullMarked;
