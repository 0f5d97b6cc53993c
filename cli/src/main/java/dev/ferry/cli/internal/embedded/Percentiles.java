package dev.ferry.cli.internal.embedded;

import java.util.Arrays;

/** Nearest-rank percentiles of latency samples in microseconds, reported in milliseconds. */
public final class Percentiles {

  private final long[] sorted;

  /** @param micros the samples; copied */
  public Percentiles(long[] micros) {
    sorted = micros.clone();
    Arrays.sort(sorted);
  }

  /** How many samples there are. */
  public int count() {
    return sorted.length;
  }

  /**
   * The {@code q} quantile (0 &lt; q &le; 1) in milliseconds by the nearest-rank method; 0 without
   * samples.
   */
  public double millis(double q) {
    if (q <= 0 || q > 1) {
      throw new IllegalArgumentException("quantile must be in (0, 1], was " + q);
    }
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, rank - 1)] / 1000.0;
  }

  /** The largest sample in milliseconds; 0 without samples. */
  public double maxMillis() {
    return sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1000.0;
  }

  /** Milliseconds rounded to two decimals, for output. */
  public static double round(double millis) {
    return Math.round(millis * 100) / 100.0;
  }
}
