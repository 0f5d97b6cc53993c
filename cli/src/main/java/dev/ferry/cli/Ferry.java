package dev.ferry.cli;

import dev.ferry.cli.internal.CommandLines;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * The {@code ferry} command line: {@code demo}, {@code serve}, {@code sync}, {@code status},
 * {@code outbox}, {@code pause}, {@code resume} and {@code bench} (DESIGN section 6).
 *
 * <p>Exit codes: {@value #OK} success, {@value #FAILED} the command ran and failed (the reason is
 * printed), {@value #USAGE} bad usage (unknown command or flag, a missing or invalid value; one line
 * on standard error), {@value #LEASE_BUSY} another process holds the lease ({@code ferry sync}).
 * With {@code --json} a command prints exactly one JSON document on standard output; logs and
 * progress go to standard error.
 */
public final class Ferry {

  /** The command did what was asked. */
  public static final int OK = 0;

  /** The command ran and failed; the reason was printed. */
  public static final int FAILED = 1;

  /** Bad usage: an unknown command or flag, a missing or invalid value. */
  public static final int USAGE = 2;

  /** Another process holds the lease (sysexits {@code EX_TEMPFAIL}): try again later. */
  public static final int LEASE_BUSY = 75;

  private Ferry() {}

  /** Runs the command line and exits the JVM with its exit code. */
  public static void main(String[] args) {
    CommandLines.configureLogging(args);
    int code = run(System.out, System.err, args);
    System.out.flush();
    System.err.flush();
    System.exit(code);
  }

  /**
   * Runs the command line with the given streams and returns its exit code, without exiting the
   * JVM. Output is UTF-8 and flushed before this returns.
   */
  public static int run(PrintStream out, PrintStream err, String... args) {
    PrintWriter o = new PrintWriter(out, true, StandardCharsets.UTF_8);
    PrintWriter e = new PrintWriter(err, true, StandardCharsets.UTF_8);
    try {
      return CommandLines.create(o, e).execute(args);
    } finally {
      o.flush();
      e.flush();
    }
  }
}
