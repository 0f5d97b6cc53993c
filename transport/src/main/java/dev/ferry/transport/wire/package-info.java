/**
 * Wire protocol v1: the JSON records exchanged between a Ferry client and a sync server, and the
 * one {@link dev.ferry.transport.wire.WireJson shared mapper} that reads and writes them.
 *
 * <p>Names on the wire are snake_case; timestamps are ISO-8601 UTC strings with milliseconds;
 * payloads are arbitrary JSON values carried verbatim as {@link dev.ferry.transport.wire.RawJson}.
 * Unknown fields are ignored so that a newer peer does not break an older one. Records validate
 * their structure in their compact constructors; a violation surfaces from {@link
 * dev.ferry.transport.wire.WireJson} as a {@link com.fasterxml.jackson.databind.JsonMappingException}.
 */
@NullMarked
package dev.ferry.transport.wire;

import org.jspecify.annotations.NullMarked;
