package io.dialback.testkit;

/**
 * Keeps {@code threads} cores busy for {@code seconds}, then exits by itself: the loaded machine of
 * the cluster stability tests. Run it as a child process ({@link JavaProcess#start}) so that the
 * test can end it by its PID, and so that a test that dies leaves no busy process for long.
 *
 * <p>Usage: {@code CpuHog SECONDS [THREADS]} (threads: 2 unless given).
 */
public final class CpuHog {
  private static volatile long sink;

  private CpuHog() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length < 1 || args.length > 2) {
      throw new IllegalArgumentException("usage: CpuHog SECONDS [THREADS]");
    }
    long seconds = Long.parseLong(args[0]);
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    if (seconds < 1 || seconds > 600) {
      throw new IllegalArgumentException("seconds must be 1..600: " + seconds);
    }
    if (threads < 1 || threads > 64) {
      throw new IllegalArgumentException("threads must be 1..64: " + threads);
    }
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    Thread[] busy = new Thread[threads];
    for (int i = 0; i < threads; i++) {
      busy[i] = new Thread(() -> spin(end), "hog-" + i);
      busy[i].start();
    }
    for (Thread t : busy) {
      t.join();
    }
  }

  private static void spin(long end) {
    long x = 1;
    while (System.nanoTime() < end) {
      for (int k = 0; k < 10_000; k++) {
        x = x * 6364136223846793005L + 1442695040888963407L;
      }
    }
    sink = x;
  }
}
