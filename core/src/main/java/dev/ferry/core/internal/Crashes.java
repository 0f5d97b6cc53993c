package dev.ferry.core.internal;

/**
 * The one rule for throwables nobody expected, on every thread of a manager: contain and log
 * anything, so the cycle, thread or periodic task lives on, except a {@link VirtualMachineError}
 * that means the JVM itself is in trouble (out of memory, an internal error), which there is no
 * point in containing. A {@link StackOverflowError} is a {@code VirtualMachineError} too, but by
 * the time it reaches us the stack is unwound: it is a bug in the code that threw it (often the
 * host's applier), and contained like any other.
 */
final class Crashes {

  private Crashes() {}

  /** Rethrows {@code t} when it is fatal (see the class comment); returns otherwise. */
  static void rethrowIfFatal(Throwable t) {
    if (t instanceof VirtualMachineError fatal && !(t instanceof StackOverflowError)) {
      throw fatal;
    }
  }
}
