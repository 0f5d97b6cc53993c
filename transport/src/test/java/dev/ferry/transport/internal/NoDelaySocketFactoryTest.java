package dev.ferry.transport.internal;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import javax.net.SocketFactory;
import org.junit.jupiter.api.Test;

class NoDelaySocketFactoryTest {

  @Test
  void sockets_haveNagleOff() throws Exception {
    SocketFactory factory = NoDelaySocketFactory.wrap(SocketFactory.getDefault());
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket unconnected = factory.createSocket();
        Socket connected = factory.createSocket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
      assertTrue(unconnected.getTcpNoDelay());
      assertTrue(connected.getTcpNoDelay());
    }
  }

  @Test
  void wrap_isCachedPerFactorySoConnectionsArePooledTogether() {
    SocketFactory base = SocketFactory.getDefault();

    SocketFactory first = NoDelaySocketFactory.wrap(base);

    assertSame(first, NoDelaySocketFactory.wrap(base));
    assertSame(first, NoDelaySocketFactory.wrap(first));
  }
}
