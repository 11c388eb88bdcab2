package io.dialback.bench;

import java.time.Duration;
import java.util.List;

/**
 * How a request-reply row warms its processes up before it is measured: with {@link #IN_FLIGHT}
 * calls in flight whatever the row's own number, on while the JIT compilers of the processes are
 * still busy (up to four times as long again, 20 s at most), then at the row's own number for a
 * second (or the warm-up time, if shorter). Warmed with one call in flight for 5 s, the processes
 * were still compiling when the one-call rows were measured (their compiler threads took 0.6–0.7 of
 * a core then, sampled from /proc), which measured the compiler as much as the path.
 */
final class Warmup {
  /** Calls in flight while warming up. */
  static final int IN_FLIGHT = 64;

  private static final Duration SECOND = Duration.ofSeconds(1);

  /** Load on the path being measured: {@code inFlight} calls for {@code time}. */
  interface Load {
    void run(int inFlight, Duration time) throws Exception;
  }

  private final Duration warmup;
  private final Duration settle;

  /**
   * Longest warm-up beyond the set one while the compilers are busy: four times it, 20 s at most.
   */
  private final Duration maxCompiling;

  Warmup(Duration warmup) {
    this.warmup = warmup;
    this.settle = warmup.compareTo(SECOND) < 0 ? warmup : SECOND;
    Duration four = warmup.multipliedBy(4);
    this.maxCompiling = four.compareTo(Duration.ofSeconds(20)) < 0 ? four : Duration.ofSeconds(20);
  }

  /** Warms {@code load}'s path for a row of {@code inFlight}; {@code pids} are its processes. */
  void run(Load load, int inFlight, List<Long> pids) throws Exception {
    load.run(IN_FLIGHT, warmup);
    long deadline = System.nanoTime() + maxCompiling.toNanos();
    while (true) {
      long start = System.nanoTime();
      double before = CpuTime.compilerSeconds(pids);
      load.run(IN_FLIGHT, settle);
      double cores = (CpuTime.compilerSeconds(pids) - before) / ((System.nanoTime() - start) / 1e9);
      if (cores <= 0.05) {
        break;
      }
      if (System.nanoTime() > deadline) {
        System.err.printf("(the compilers were still busy after %s more warm-up)%n", maxCompiling);
        break;
      }
    }
    load.run(inFlight, settle);
  }
}
