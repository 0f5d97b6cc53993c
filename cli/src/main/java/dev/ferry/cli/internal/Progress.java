package dev.ferry.cli.internal;

import java.util.function.LongSupplier;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import org.jspecify.annotations.Nullable;

/**
 * A progress bar on standard error, shown only when the command runs on a terminal ({@link
 * System#console()} is not null); otherwise every call does nothing. It shows a counter that the
 * work updates; whoever waits for the work calls {@link #refresh()} now and then, so the work
 * itself never touches the terminal.
 */
public final class Progress implements AutoCloseable {

  private static final Progress NONE = new Progress(null, () -> 0);

  private final @Nullable ProgressBar bar;
  private final LongSupplier done;

  private Progress(@Nullable ProgressBar bar, LongSupplier done) {
    this.bar = bar;
    this.done = done;
  }

  /** Whether progress bars are shown: only on a terminal. */
  public static boolean onTerminal() {
    return System.console() != null;
  }

  /**
   * A bar named {@code task} up to {@code max}, following {@code done}; a no-op off a terminal.
   *
   * @param unit what is counted, e.g. {@code " mutations"}
   */
  public static Progress start(String task, long max, String unit, LongSupplier done) {
    if (!onTerminal()) {
      return NONE;
    }
    ProgressBar bar =
        new ProgressBarBuilder()
            .setTaskName(task)
            .setInitialMax(max)
            .setUnit(unit, 1)
            .setUpdateIntervalMillis(200)
            .showSpeed()
            .setConsumer(new ConsoleProgressBarConsumer(System.err))
            .build();
    Progress p = new Progress(bar, done);
    p.refresh();
    return p;
  }

  /** Moves the bar to the counter's value now. */
  public void refresh() {
    ProgressBar b = bar;
    if (b != null) {
      b.stepTo(done.getAsLong());
    }
  }

  /** Moves the bar to the counter's last value and ends it. */
  @Override
  public void close() {
    ProgressBar b = bar;
    if (b != null) {
      b.stepTo(done.getAsLong());
      b.close();
    }
  }
}
