package dev.ferry.server.internal.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads a request body into memory under a size limit, decompressing {@code Content-Encoding:
 * gzip}. The limit applies to the bytes on the wire and, separately, to the decompressed bytes, so
 * neither a long upload nor a small gzip bomb gets past it.
 */
final class BodyReader {

  private final int maxBytes;

  BodyReader(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  /**
   * @throws ApiException 413 {@code too_large} over the limit; 400 for an unknown content encoding
   *     or a corrupt gzip stream
   * @throws IOException if the connection fails while reading
   */
  byte[] read(HttpExchange exchange) throws IOException {
    String declared = exchange.getRequestHeaders().getFirst("Content-Length");
    String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
    boolean gzip = false;
    if (encoding != null && !encoding.isBlank() && !encoding.trim().equalsIgnoreCase("identity")) {
      if (!encoding.trim().equalsIgnoreCase("gzip")) {
        throw ApiException.validation(
            "unsupported_content_encoding", "Content-Encoding must be gzip or identity");
      }
      gzip = true;
    }
    InputStream raw = exchange.getRequestBody();
    if (declared != null && parsesAbove(declared, maxBytes)) {
      drainSome(raw);
      throw tooLarge();
    }
    LimitedInputStream wire = new LimitedInputStream(raw, maxBytes);
    try {
      byte[] body = gzip ? readGunzipped(wire) : readAll(wire);
      return body;
    } catch (LimitExceeded e) {
      drainSome(raw);
      throw tooLarge();
    }
  }

  private byte[] readGunzipped(InputStream wire) throws IOException {
    try (InputStream in = new GZIPInputStream(wire, 8192)) {
      return readAll(new LimitedInputStream(in, maxBytes));
    } catch (ZipException | EOFException e) {
      throw ApiException.validation("bad_gzip", "the gzip request body is corrupt or truncated");
    }
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
    in.transferTo(out);
    return out.toByteArray();
  }

  private ApiException tooLarge() {
    return ApiException.tooLarge("the request body exceeds " + maxBytes + " bytes");
  }

  /**
   * Reads and discards up to twice the limit more, so that a client still sending a moderately
   * oversized body gets to read the 413 instead of a reset connection; beyond that the connection
   * is closed after the answer.
   */
  private void drainSome(InputStream raw) {
    byte[] sink = new byte[8192];
    long left = 2L * maxBytes;
    try {
      while (left > 0) {
        int n = raw.read(sink, 0, (int) Math.min(sink.length, left));
        if (n < 0) {
          return;
        }
        left -= n;
      }
    } catch (IOException e) {
      // The client gave up; the answer will not reach it either way.
    }
  }

  private static boolean parsesAbove(String declared, long limit) {
    try {
      return Long.parseLong(declared.trim()) > limit;
    } catch (NumberFormatException e) {
      // The HTTP server already refuses a malformed Content-Length; let the stream decide.
      return false;
    }
  }

  /** Signals that more than the limit was read. */
  private static final class LimitExceeded extends IOException {
    private static final long serialVersionUID = 1L;

    LimitExceeded() {
      super("limit exceeded", null);
    }
  }

  /** Fails with {@link LimitExceeded} as soon as more than {@code limit} bytes were read. */
  private static final class LimitedInputStream extends InputStream {
    private final InputStream in;
    private long left;

    LimitedInputStream(InputStream in, long limit) {
      this.in = in;
      this.left = limit;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0 && --left < 0) {
        throw new LimitExceeded();
      }
      return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      int n = in.read(buf, off, len);
      if (n > 0) {
        left -= n;
        if (left < 0) {
          throw new LimitExceeded();
        }
      }
      return n;
    }
  }
}
