package io.dialback.files;

/**
 * How many chunk requests a download keeps in flight: enough to keep the link full — twice the
 * bandwidth × round-trip product, as measured — and never more than its memory bound. It starts at
 * the initial window; each round trip's worth of replies gives a delivery rate, the fastest reply a
 * round trip without queueing, and the window follows {@code 2 × maxRate × minRtt} (so it doubles
 * per round trip while the rate still grows, and settles once the link is full). Times are {@link
 * System#nanoTime()} values, passed in, so that it runs without a clock in tests.
 */
final class Window {
  private static final long MIN_INTERVAL_NANOS = 10_000_000;

  private final int initial;
  private final int max;
  private final int chunkBytes;
  private int size;
  private long minRttNanos = Long.MAX_VALUE;
  private double maxBytesPerNano;
  private long intervalStart = -1;
  private long intervalBytes;

  /**
   * @param initial chunks in flight at the start (and the least)
   * @param max the most chunks in flight (the memory bound divided by the chunk size)
   */
  Window(int initial, int max, int chunkBytes) {
    if (initial < 1 || max < initial || chunkBytes < 1) {
      throw new IllegalArgumentException(
          "window " + initial + ".." + max + " of " + chunkBytes + " bytes");
    }
    this.initial = initial;
    this.max = max;
    this.chunkBytes = chunkBytes;
    this.size = initial;
  }

  /** Chunks to keep in flight now. */
  int size() {
    return size;
  }

  /** A reply of {@code bytes} came back {@code rttNanos} after its request went out. */
  void delivered(long bytes, long rttNanos, long now) {
    minRttNanos = Math.min(minRttNanos, Math.max(1, rttNanos));
    if (intervalStart < 0) {
      intervalStart = now;
      intervalBytes = 0;
      return;
    }
    intervalBytes += bytes;
    long elapsed = now - intervalStart;
    if (elapsed < Math.max(MIN_INTERVAL_NANOS, minRttNanos)) {
      return;
    }
    maxBytesPerNano = Math.max(maxBytesPerNano, (double) intervalBytes / elapsed);
    intervalStart = now;
    intervalBytes = 0;
    double bdpChunks = maxBytesPerNano * minRttNanos / chunkBytes;
    int target = (int) Math.ceil(2 * bdpChunks) + 2;
    size = Math.max(initial, Math.min(max, target));
  }
}
