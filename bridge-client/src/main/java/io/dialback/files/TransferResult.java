package io.dialback.files;

import java.nio.file.Path;

/**
 * A finished transfer.
 *
 * @param bytes the file's size
 * @param nanos how long it took
 */
public record TransferResult(String remotePath, Path localPath, long bytes, long nanos) {
  /** Mebibytes per second. */
  public double mibPerSecond() {
    return nanos == 0 ? 0 : (bytes / 1048576.0) / (nanos / 1e9);
  }
}
