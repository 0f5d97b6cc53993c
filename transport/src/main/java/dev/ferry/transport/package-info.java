/**
 * Ferry's client side of wire protocol v1: the {@link dev.ferry.transport.SyncTransport}
 * interface, its OkHttp implementation and the classified {@link
 * dev.ferry.transport.TransportException}. The wire records live in {@code
 * dev.ferry.transport.wire}.
 */
@NullMarked
package dev.ferry.transport;

import org.jspecify.annotations.NullMarked;
