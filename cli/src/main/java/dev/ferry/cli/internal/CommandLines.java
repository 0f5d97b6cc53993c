package dev.ferry.cli.internal;

import dev.ferry.cli.Ferry;
import dev.ferry.store.StoreException;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Builds the picocli command line of {@code ferry} with its error handling: bad usage prints one
 * line on standard error and exits {@value Ferry#USAGE}; a failure while running prints one line
 * and exits with its code. Either way, with {@code --json}, standard output gets one error document
 * {@code {"error", "exit_code"}}.
 */
public final class CommandLines {

  static final String LOG_LEVEL_PROPERTY = "org.slf4j.simpleLogger.defaultLogLevel";

  private CommandLines() {}

  /** The {@code ferry} command line writing to {@code out} and {@code err}. */
  public static CommandLine create(PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new RootCommand());
    cl.setOut(out);
    cl.setErr(err);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setParameterExceptionHandler(CommandLines::usageError);
    cl.setExecutionExceptionHandler(CommandLines::failure);
    return cl;
  }

  /**
   * Chooses the log level before the first logger exists: {@code info} for {@code serve} (its log is
   * its output), {@code warn} for the other commands, unless set with the system property or the
   * {@code FERRY_LOG_LEVEL} environment variable.
   */
  public static void configureLogging(String[] args) {
    if (System.getProperty(LOG_LEVEL_PROPERTY) != null) {
      return;
    }
    String env = System.getenv("FERRY_LOG_LEVEL");
    if (env != null && !env.isBlank()) {
      System.setProperty(LOG_LEVEL_PROPERTY, env.trim().toLowerCase(Locale.ROOT));
      return;
    }
    boolean serve = args.length > 0 && args[0].equals("serve");
    System.setProperty(LOG_LEVEL_PROPERTY, serve ? "info" : "warn");
  }

  private static int usageError(ParameterException e, String[] args) {
    CommandLine cl = e.getCommandLine();
    String name = cl.getCommandSpec().qualifiedName();
    String message = firstLine(String.valueOf(e.getMessage()));
    cl.getErr().println(name + ": " + message + " (see '" + name + " --help')");
    cl.getErr().flush();
    // The arguments may not have parsed, so --json is looked for among them: a script that asked
    // for JSON gets a document on standard output whatever went wrong.
    if (Arrays.asList(args).contains("--json")) {
      printError(cl, message, Ferry.USAGE);
    }
    return Ferry.USAGE;
  }

  private static void printError(CommandLine cl, String message, int code) {
    Json.print(cl.getOut(), Json.object().put("error", message).put("exit_code", code));
  }

  private static int failure(Exception e, CommandLine cl, ParseResult parsed) {
    String name = cl.getCommandSpec().qualifiedName();
    int code;
    String message;
    if (e instanceof CliFailure f) {
      code = f.exitCode();
      message = f.getMessage();
    } else if (e instanceof StoreException s) {
      code = Ferry.FAILED;
      message = s.getMessage() + " [" + s.kind().name().toLowerCase(Locale.ROOT) + "]";
    } else {
      code = Ferry.FAILED;
      message = e.getClass().getSimpleName() + ": " + e.getMessage() + rootCause(e);
      if (System.getenv("FERRY_DEBUG") != null) {
        e.printStackTrace(cl.getErr());
      }
    }
    cl.getErr().println(name + ": " + firstLine(String.valueOf(message)));
    cl.getErr().flush();
    if (wantsJson(parsed)) {
      printError(cl, message, code);
    }
    return code;
  }

  /** The innermost cause's message when it adds something (e.g. SQLite's reason), else "". */
  private static String rootCause(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    if (root == e || message == null || String.valueOf(e.getMessage()).contains(message)) {
      return "";
    }
    return " (" + firstLine(message) + ")";
  }

  private static boolean wantsJson(ParseResult parsed) {
    for (ParseResult p = parsed; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption("--json")) {
        return true;
      }
    }
    return false;
  }

  static String firstLine(String text) {
    return text.lines().findFirst().orElse("").strip();
  }
}
