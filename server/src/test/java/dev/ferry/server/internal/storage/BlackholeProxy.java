package dev.ferry.server.internal.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy that can turn the connections it carries half-open: {@link #freezeExisting()} stops
 * forwarding on them without closing anything, as a cut network link or a vanished peer would,
 * while new connections are forwarded normally.
 */
final class BlackholeProxy implements AutoCloseable {

  private final ServerSocket server;
  private final String targetHost;
  private final int targetPort;
  private final List<Link> links = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  /** Both directions of one proxied connection. */
  private static final class Link {
    final Socket client;
    final Socket target;
    volatile boolean frozen;

    Link(Socket client, Socket target) {
      this.client = client;
      this.target = target;
    }
  }

  BlackholeProxy(String targetHost, int targetPort) throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    Thread acceptor = new Thread(this::accept, "blackhole-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  /** From now on, bytes on every connection open now are swallowed; the sockets stay open. */
  void freezeExisting() {
    links.forEach(l -> l.frozen = true);
  }

  private void accept() {
    while (!closed) {
      try {
        Socket client = server.accept();
        Socket target = new Socket(targetHost, targetPort);
        Link link = new Link(client, target);
        links.add(link);
        pump(link, client.getInputStream(), target.getOutputStream());
        pump(link, target.getInputStream(), client.getOutputStream());
      } catch (IOException e) {
        return;
      }
    }
  }

  private static void pump(Link link, InputStream in, OutputStream out) {
    Thread t =
        new Thread(
            () -> {
              byte[] buffer = new byte[8192];
              try {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                  if (!link.frozen) {
                    out.write(buffer, 0, n);
                    out.flush();
                  }
                }
              } catch (IOException e) {
                // One side went away; the proxy is closing or the test is done with it.
              }
            },
            "blackhole-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    for (Link l : links) {
      l.client.close();
      l.target.close();
    }
  }
}
