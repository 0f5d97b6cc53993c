package dev.ferry.cli.internal.embedded;

import java.util.concurrent.CancellationException;

/**
 * How {@code demo} and {@code bench} notice that they are being stopped (Ctrl-C, SIGTERM: the
 * shutdown hook interrupts their thread). Their waits park with {@code LockSupport}, which returns
 * on an interrupt without throwing, so each wait loop checks here.
 */
public final class Interruption {

  private Interruption() {}

  /**
   * Returns when the thread was not interrupted; otherwise clears the flag (so closing the replicas
   * and the server afterwards is not cut short) and throws.
   *
   * @throws CancellationException when the thread was interrupted
   */
  public static void check() {
    if (Thread.interrupted()) {
      throw new CancellationException("stopped");
    }
  }
}
