package io.dialback.files;

import java.time.Duration;

/**
 * How a file transfer runs.
 *
 * @param window chunk requests in flight at once; memory is about {@code window * chunkBytes}
 * @param chunkBytes bytes asked for per chunk (the agent may serve less; its size wins)
 * @param requestTimeout timeout of each chunk request
 * @param maxRetries failed chunk requests in a row (lost connection, timeout, busy) tolerated
 * @param reconnectWait how long to wait for the client to reconnect before giving up
 * @param progress called as bytes land; may be null
 */
public record TransferOptions(
    int window,
    int chunkBytes,
    Duration requestTimeout,
    int maxRetries,
    Duration reconnectWait,
    Progress progress) {

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
  }

  /** 8 chunks of 512 KiB in flight, 30 s per chunk, resume within 60 s of a drop. */
  public static TransferOptions defaults() {
    return new TransferOptions(
        8, 512 * 1024, Duration.ofSeconds(30), 20, Duration.ofSeconds(60), null);
  }

  public TransferOptions withProgress(Progress progress) {
    return new TransferOptions(
        window, chunkBytes, requestTimeout, maxRetries, reconnectWait, progress);
  }

  public TransferOptions withWindow(int window) {
    return new TransferOptions(
        window, chunkBytes, requestTimeout, maxRetries, reconnectWait, progress);
  }
}
