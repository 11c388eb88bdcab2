package io.dialback.agent.fs;

import java.util.Locale;

/**
 * The pace of one upload: how fast its sender keeps it going, measured over consecutive windows
 * from its first chunk. Only the time the agent waits for the sender counts: while a chunk is
 * queued or being written, the clock is the agent's, so a slow disk never makes a sender too slow.
 * The agent sees bytes a whole chunk at a time, so a window lasts at least as long as two of the
 * largest chunks take at the minimum rate: a sender with big chunks is judged on whole chunks.
 * Times are {@link System#nanoTime()} values, passed in.
 */
final class Pace {
  private final long minBytesPerSecond;
  private final long windowNanos;
  private long windowStart;
  private long windowStartOffset;
  private long agentNanos;
  private long chunkStart = -1;

  /** A pace measured from {@code now}, with the upload at offset 0. */
  Pace(long minBytesPerSecond, long windowMs, int chunkBytes, long now) {
    this.minBytesPerSecond = minBytesPerSecond;
    this.windowNanos = windowNanos(minBytesPerSecond, windowMs, chunkBytes);
    this.windowStart = now;
  }

  /** The window: {@code windowMs}, or two chunks' time at the minimum rate if that is longer. */
  static long windowNanos(long minBytesPerSecond, long windowMs, int chunkBytes) {
    long twoChunks =
        minBytesPerSecond == 0 ? 0 : 2L * chunkBytes * 1_000_000_000L / minBytesPerSecond;
    return Math.max(windowMs * 1_000_000, twoChunks);
  }

  /** A chunk arrived and is handed to a worker: from now the agent is the one taking time. */
  void chunkStarted(long now) {
    chunkStart = now;
  }

  /** The chunk is written; the sender's clock runs again. */
  void chunkDone(long now) {
    if (chunkStart >= 0) {
      agentNanos += now - chunkStart;
      chunkStart = -1;
    }
  }

  /**
   * At the end of a window, whether the sender kept up: {@code null} if it did (or the window is
   * not over yet, or a chunk is with the agent), else why the upload should be abandoned. A window
   * that passes starts the next one.
   */
  String tooSlow(long now, long offset) {
    if (minBytesPerSecond == 0 || chunkStart >= 0 || now - windowStart < windowNanos) {
      return null;
    }
    long waited = Math.max(0, now - windowStart - agentNanos);
    long bytes = offset - windowStartOffset;
    if ((double) bytes * 1e9 < (double) minBytesPerSecond * waited) {
      return String.format(
          Locale.ROOT,
          "%d bytes arrived in %.1f s of waiting for the sender, below fs.uploadMinBytesPerSecond"
              + " (%d bytes/s)",
          bytes,
          waited / 1e9,
          minBytesPerSecond);
    }
    windowStart = now;
    windowStartOffset = offset;
    agentNanos = 0;
    return null;
  }
}
