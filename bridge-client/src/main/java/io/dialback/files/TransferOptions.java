package io.dialback.files;

import java.time.Duration;

/**
 * How a file transfer runs.
 *
 * @param window chunk requests in flight at the start (and the least)
 * @param chunkBytes bytes asked for per chunk (the agent may serve less; its size wins)
 * @param requestTimeout timeout of each chunk request
 * @param maxRetries failed chunk requests in a row (lost connection, timeout, busy) tolerated
 * @param reconnectWait how long to wait for the client to reconnect before giving up
 * @param progress called as bytes land; may be null
 * @param maxWindowBytes the memory bound of a download: its window grows with bandwidth × round
 *     trip (a high-latency link) up to this many bytes in flight; {@code window * chunkBytes} keeps
 *     the window fixed
 * @param restart ignore what an earlier, interrupted transfer of the same file left (a download's
 *     {@code .part}, an upload the agent still holds) and start from the first byte
 * @param cancellation stops the transfer when cancelled, keeping what it has; may be null
 */
public record TransferOptions(
    int window,
    int chunkBytes,
    Duration requestTimeout,
    int maxRetries,
    Duration reconnectWait,
    Progress progress,
    long maxWindowBytes,
    boolean restart,
    Cancellation cancellation) {

  /** The memory bound of {@link #defaults()}: 16 MiB in flight, 32 chunks of 512 KiB. */
  public static final long DEFAULT_MAX_WINDOW_BYTES = 16L * 1024 * 1024;

  /** Told how far a transfer got. */
  @FunctionalInterface
  public interface Progress {
    void update(long bytesDone, long bytesTotal);
  }

  public TransferOptions {
    if (window < 1 || window > 256) {
      throw new IllegalArgumentException("window must be 1..256: " + window);
    }
    if (chunkBytes < 1024) {
      throw new IllegalArgumentException("chunkBytes must be at least 1024: " + chunkBytes);
    }
    if (maxRetries < 0) {
      throw new IllegalArgumentException("maxRetries must not be negative: " + maxRetries);
    }
    if (maxWindowBytes < (long) window * chunkBytes) {
      throw new IllegalArgumentException(
          "maxWindowBytes must be at least window * chunkBytes: " + maxWindowBytes);
    }
  }

  /** A fixed window of {@code window} chunks, resuming, not cancellable. */
  public TransferOptions(
      int window,
      int chunkBytes,
      Duration requestTimeout,
      int maxRetries,
      Duration reconnectWait,
      Progress progress) {
    this(
        window,
        chunkBytes,
        requestTimeout,
        maxRetries,
        reconnectWait,
        progress,
        (long) window * chunkBytes,
        false,
        null);
  }

  /**
   * 8 chunks of 512 KiB in flight at first, growing with bandwidth × round trip up to 16 MiB; 30 s
   * per chunk; resume within 60 s of a drop; an interrupted download's {@code .part} is resumed.
   */
  public static TransferOptions defaults() {
    return new TransferOptions(
        8,
        512 * 1024,
        Duration.ofSeconds(30),
        20,
        Duration.ofSeconds(60),
        null,
        DEFAULT_MAX_WINDOW_BYTES,
        false,
        null);
  }

  /** The most chunks in flight. */
  public int maxWindow() {
    return (int) Math.min(256, Math.max(window, maxWindowBytes / chunkBytes));
  }

  public TransferOptions withProgress(Progress progress) {
    return new TransferOptions(
        window,
        chunkBytes,
        requestTimeout,
        maxRetries,
        reconnectWait,
        progress,
        maxWindowBytes,
        restart,
        cancellation);
  }

  /** A fixed window of {@code window} chunks. */
  public TransferOptions withWindow(int window) {
    return new TransferOptions(
        window,
        chunkBytes,
        requestTimeout,
        maxRetries,
        reconnectWait,
        progress,
        (long) window * chunkBytes,
        restart,
        cancellation);
  }

  /** The window grows up to {@code bytes} in flight. */
  public TransferOptions withMaxWindowBytes(long bytes) {
    return new TransferOptions(
        window,
        chunkBytes,
        requestTimeout,
        maxRetries,
        reconnectWait,
        progress,
        bytes,
        restart,
        cancellation);
  }

  public TransferOptions withRestart(boolean restart) {
    return new TransferOptions(
        window,
        chunkBytes,
        requestTimeout,
        maxRetries,
        reconnectWait,
        progress,
        maxWindowBytes,
        restart,
        cancellation);
  }

  public TransferOptions withCancellation(Cancellation cancellation) {
    return new TransferOptions(
        window,
        chunkBytes,
        requestTimeout,
        maxRetries,
        reconnectWait,
        progress,
        maxWindowBytes,
        restart,
        cancellation);
  }
}
