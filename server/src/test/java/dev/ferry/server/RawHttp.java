package dev.ferry.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket to loopback, for requests no HTTP client would send (broken framing,
 * slow or never-read bodies) and for clients that misbehave on purpose.
 */
public final class RawHttp implements AutoCloseable {

  private final Socket socket;

  /** A parsed response: status, headers (lower-case names) and body. */
  public record Response(int status, Map<String, String> headers, byte[] body) {
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private RawHttp(Socket socket) {
    this.socket = socket;
  }

  /** Connects to {@code base}'s host and port (loopback only), with a 30 s read timeout. */
  public static RawHttp connect(URI base) {
    return connect(base, 0);
  }

  /**
   * Connects with a small receive buffer when {@code receiveBuffer} is positive, for a client that
   * should hold little of a response it never reads.
   */
  public static RawHttp connect(URI base, int receiveBuffer) {
    if (!base.getHost().equals("127.0.0.1")) {
      throw new IllegalArgumentException("tests talk to loopback only: " + base);
    }
    try {
      Socket s = new Socket();
      if (receiveBuffer > 0) {
        s.setReceiveBufferSize(receiveBuffer);
      }
      s.connect(new InetSocketAddress(base.getHost(), base.getPort()), 10_000);
      s.setSoTimeout(30_000);
      return new RawHttp(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public RawHttp send(String text) {
    return send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  public RawHttp send(byte[] bytes) {
    try {
      socket.getOutputStream().write(bytes);
      socket.getOutputStream().flush();
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads one response: the body by {@code Content-Length}, else until the server closes. */
  public Response read() {
    try {
      InputStream in = socket.getInputStream();
      String head = readHead(in);
      String[] lines = head.split("\r\n");
      int status = Integer.parseInt(lines[0].split(" ")[1]);
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon > 0) {
          headers.put(
              lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
              lines[i].substring(colon + 1).trim());
        }
      }
      String length = headers.get("content-length");
      byte[] body;
      if (length != null) {
        body = in.readNBytes(Integer.parseInt(length));
      } else {
        body = in.readAllBytes();
      }
      return new Response(status, headers, body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads a HEAD answer: status line and headers only. */
  public Response readHead() {
    try {
      String head = readHead(socket.getInputStream());
      String[] lines = head.split("\r\n");
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon > 0) {
          headers.put(
              lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
              lines[i].substring(colon + 1).trim());
        }
      }
      return new Response(Integer.parseInt(lines[0].split(" ")[1]), headers, new byte[0]);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** True once the server has closed the connection (EOF or reset), waiting up to the timeout. */
  public boolean closedByServer(int timeoutMillis) {
    try {
      socket.setSoTimeout(timeoutMillis);
      InputStream in = socket.getInputStream();
      byte[] sink = new byte[65_536];
      while (true) {
        if (in.read(sink) < 0) {
          return true;
        }
      }
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("the server closed the connection before answering: " + head);
      }
      head.write(b);
      matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
          ? matched + 1
          : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // Closing a socket a test is done with; nothing to do about a failure.
    }
  }
}
