package dev.ferry.core;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Polls a condition with a generous deadline instead of sleeping a fixed time. */
public final class Await {

  private Await() {}

  public static void until(String what, Duration deadline, BooleanSupplier condition) {
    long end = System.nanoTime() + deadline.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - end > 0) {
        throw new AssertionError("timed out after " + deadline + " waiting for " + what);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
    }
  }

  /**
   * Checks that {@code condition} stays true for the whole of {@code window}, failing at the first
   * check where it is false: for what must not happen, instead of sleeping and checking once.
   */
  public static void holds(String what, Duration window, BooleanSupplier condition) {
    long end = System.nanoTime() + window.toNanos();
    do {
      if (!condition.getAsBoolean()) {
        throw new AssertionError("no longer true: " + what);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
    } while (System.nanoTime() - end < 0);
  }

  public static void until(String what, BooleanSupplier condition) {
    until(what, Duration.ofSeconds(60), condition);
  }
}
