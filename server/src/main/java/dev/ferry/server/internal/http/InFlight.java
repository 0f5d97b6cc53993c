package dev.ferry.server.internal.http;

import java.time.Duration;

/**
 * Counts requests that have arrived and not been answered yet, including parked long-polls, so that
 * a graceful stop can wait for them. Thread-safe.
 */
final class InFlight {

  private int count;

  synchronized void enter() {
    count++;
  }

  synchronized void exit() {
    count--;
    if (count == 0) {
      notifyAll();
    }
  }

  synchronized int count() {
    return count;
  }

  /**
   * Waits until nothing is in flight or {@code timeout} passes.
   *
   * @return true if nothing is in flight
   */
  synchronized boolean awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (count > 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return true;
  }
}
