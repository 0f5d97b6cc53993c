package dev.ferry.server;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Captures what the server logs: slf4j-simple writes to the current standard error. */
public final class LogCapture {

  private LogCapture() {}

  /** Something to run while the log is captured. */
  public interface Work {
    void run() throws Exception;
  }

  /** Runs {@code work} and returns what was logged meanwhile. */
  public static String during(Work work) throws Exception {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try {
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      work.run();
    } finally {
      System.setErr(original);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }
}
