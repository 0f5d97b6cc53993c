/**
 * The HTTP layer of the reference server: routing, authentication, one handler per endpoint, body
 * reading with limits, error bodies and parked long-polls.
 */
@NullMarked
package dev.ferry.server.internal.http;

import org.jspecify.annotations.NullMarked;
