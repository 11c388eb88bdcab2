package io.dialback.files;

import java.nio.file.Path;

/**
 * A finished transfer.
 *
 * @param bytes the file's size
 * @param nanos how long it took
 * @param resumedFrom where it started: 0, or the byte a kept partial transfer resumed from (only
 *     {@code bytes - resumedFrom} travelled)
 */
public record TransferResult(
    String remotePath, Path localPath, long bytes, long nanos, long resumedFrom) {

  public TransferResult(String remotePath, Path localPath, long bytes, long nanos) {
    this(remotePath, localPath, bytes, nanos, 0);
  }

  /** Mebibytes per second, of the bytes that travelled. */
  public double mibPerSecond() {
    return nanos == 0 ? 0 : ((bytes - resumedFrom) / 1048576.0) / (nanos / 1e9);
  }
}
