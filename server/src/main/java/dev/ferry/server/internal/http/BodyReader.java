package dev.ferry.server.internal.http;

import dev.ferry.server.internal.LoggedFailure;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.slf4j.LoggerFactory;

/**
 * Reads a request body into memory without holding a thread while bytes are on their way: it takes
 * what has arrived, asks Jetty to call back when more does, and hands the complete body on. The
 * size limit applies to the bytes on the wire and, separately, to the bytes after {@code
 * Content-Encoding: gzip} is undone, so neither a long upload nor a small gzip bomb gets past it.
 * Turning the bytes into a request is the endpoint's job, not this one's.
 */
final class BodyReader {

  /**
   * A body over the limit is still read and discarded up to this many times the limit before the
   * 413 is sent, so that a client still sending a moderately oversized body gets to read the answer
   * instead of a reset connection; beyond that the connection is closed after the answer.
   */
  private static final long DRAIN_FACTOR = 3;

  private final int maxBytes;

  BodyReader(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  /**
   * Reads the body of {@code call}, stores it in the call and runs {@code then} with the call, on
   * whichever thread the last bytes arrived; answers the call with an error instead when the body
   * is refused: 413 {@code too_large} over the limit, 400 for an unknown content encoding or a
   * corrupt gzip stream, 408 {@code request_timeout} when it arrives too slowly.
   */
  void read(ApiCall call, Consumer<ApiCall> then) {
    Request request = call.request();
    boolean gzip = gzipped(request.getHeaders().get("Content-Encoding"));
    long declared = request.getLength();
    if (declared > DRAIN_FACTOR * maxBytes) {
      // Refused before a byte is read; Jetty closes the connection after the answer.
      throw tooLarge();
    }
    new Collector(call, gzip, then, declared > maxBytes).run();
  }

  private static boolean gzipped(String encoding) {
    if (encoding == null || encoding.isBlank() || encoding.trim().equalsIgnoreCase("identity")) {
      return false;
    }
    if (!encoding.trim().equalsIgnoreCase("gzip")) {
      throw ApiException.validation(
          "unsupported_content_encoding", "Content-Encoding must be gzip or identity");
    }
    return true;
  }

  private ApiException tooLarge() {
    return ApiException.tooLarge("the request body exceeds " + maxBytes + " bytes");
  }

  /** One body being read; {@link #run} is the demand callback, so at most one runs at a time. */
  private final class Collector implements Runnable {
    private final ApiCall call;
    private final boolean gzip;
    private final Consumer<ApiCall> then;
    private final ByteArrayOutputStream wire;
    private boolean discarding;
    private long discarded;

    Collector(ApiCall call, boolean gzip, Consumer<ApiCall> then, boolean discarding) {
      this.call = call;
      this.gzip = gzip;
      this.then = then;
      this.discarding = discarding;
      long declared = call.request().getLength();
      this.wire =
          new ByteArrayOutputStream(declared > 0 && !discarding ? (int) declared : 8192);
    }

    @Override
    public void run() {
      try {
        collect();
      } catch (ApiException e) {
        call.error(e);
      } catch (RuntimeException e) {
        // Jetty calls this back with nobody above to answer the request; never leave it hanging.
        LoggerFactory.getLogger(BodyReader.class)
            .error("reading a request body failed: {}", LoggedFailure.describe(e));
        call.error(ApiException.internal());
      }
    }

    private void collect() {
      Request request = call.request();
      while (true) {
        Content.Chunk chunk = request.read();
        if (chunk == null) {
          request.demand(this);
          return;
        }
        if (Content.Chunk.isFailure(chunk)) {
          failed(chunk.getFailure());
          return;
        }
        ByteBuffer bytes = chunk.getByteBuffer();
        int n = bytes.remaining();
        if (!discarding && wire.size() + (long) n > maxBytes) {
          discarding = true;
          discarded = wire.size();
          wire.reset();
        }
        if (discarding) {
          discarded += n;
          boolean last = chunk.isLast();
          chunk.release();
          if (last || discarded > DRAIN_FACTOR * maxBytes) {
            call.error(tooLarge());
            return;
          }
          continue;
        }
        if (n > 0) {
          byte[] copy = new byte[n];
          bytes.get(copy);
          wire.write(copy, 0, n);
        }
        boolean last = chunk.isLast();
        chunk.release();
        if (last) {
          finish();
          return;
        }
      }
    }

    private void finish() {
      byte[] raw = wire.toByteArray();
      byte[] body;
      try {
        body = gzip ? gunzip(raw) : raw;
      } catch (ApiException e) {
        call.error(e);
        return;
      }
      call.body(body, raw.length);
      then.accept(call);
    }

    private void failed(Throwable failure) {
      if (failure instanceof TimeoutException) {
        call.error(
            ApiException.timeout("the request body arrived too slowly or stopped arriving"));
      } else {
        call.error(
            ApiException.validation("unreadable_body", "the request body could not be read"));
      }
    }
  }

  private byte[] gunzip(byte[] raw) {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw), 8192)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(maxBytes, Math.max(8192, raw.length * 4L)));
      byte[] buf = new byte[8192];
      long total = 0;
      int n;
      while ((n = in.read(buf)) >= 0) {
        total += n;
        if (total > maxBytes) {
          throw tooLarge();
        }
        out.write(buf, 0, n);
      }
      return out.toByteArray();
    } catch (ZipException | EOFException e) {
      throw ApiException.validation("bad_gzip", "the gzip request body is corrupt or truncated");
    } catch (IOException e) {
      throw ApiException.validation("bad_gzip", "the gzip request body could not be read");
    }
  }
}
