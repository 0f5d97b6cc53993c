package dev.ferry.cli.internal;

import dev.ferry.cli.Ferry;

/** A command failed in a way it can explain in one line, with the exit code to return. */
final class CliFailure extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int exitCode;

  CliFailure(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  /** A failure with exit code {@value Ferry#FAILED}. */
  static CliFailure failed(String message) {
    return new CliFailure(Ferry.FAILED, message);
  }

  int exitCode() {
    return exitCode;
  }
}
