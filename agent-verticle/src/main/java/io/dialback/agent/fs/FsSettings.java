package io.dialback.agent.fs;

import java.util.Objects;

/**
 * How the file service behaves.
 *
 * @param writable whether {@code fs.write} is served at all
 * @param chunkBytes the most a single {@code fs.read} returns (and a {@code fs.write} accepts)
 * @param workers file operations running at once, on worker threads
 * @param maxQueued operations waiting for a worker; beyond, callers get {@code busy} (uploads are
 *     bounded by {@link UploadLimits} instead)
 * @param uploadIdleMs an upload with no chunk for this long is abandoned and its temp file removed
 * @param maxListEntries the most entries one {@code fs.list} reply carries (page with offset)
 * @param watch whether changes below the root are published on {@code agent.<name>.events.fs}
 * @param maxWatchedDirs the most folders watched; deeper trees are watched in part (logged)
 * @param uploads what uploads may take: slots in all and per caller, size, pace
 */
public record FsSettings(
    boolean writable,
    int chunkBytes,
    int workers,
    int maxQueued,
    long uploadIdleMs,
    int maxListEntries,
    boolean watch,
    int maxWatchedDirs,
    UploadLimits uploads) {

  public static final int DEFAULT_CHUNK_BYTES = 512 * 1024;

  public FsSettings {
    if (chunkBytes < 1024 || chunkBytes > 8 * 1024 * 1024) {
      throw new IllegalArgumentException("chunkBytes must be in 1024..8388608: " + chunkBytes);
    }
    if (workers < 1
        || maxQueued < 0
        || uploadIdleMs < 100
        || maxListEntries < 1
        || maxWatchedDirs < 1) {
      throw new IllegalArgumentException(
          "invalid file service settings: " + workers + "/" + maxQueued);
    }
    Objects.requireNonNull(uploads, "uploads == null");
  }

  /** Settings with the default {@link UploadLimits}. */
  public FsSettings(
      boolean writable,
      int chunkBytes,
      int workers,
      int maxQueued,
      long uploadIdleMs,
      int maxListEntries,
      boolean watch,
      int maxWatchedDirs) {
    this(
        writable,
        chunkBytes,
        workers,
        maxQueued,
        uploadIdleMs,
        maxListEntries,
        watch,
        maxWatchedDirs,
        UploadLimits.DEFAULTS);
  }

  /** The same settings with other upload limits. */
  public FsSettings withUploads(UploadLimits limits) {
    return new FsSettings(
        writable,
        chunkBytes,
        workers,
        maxQueued,
        uploadIdleMs,
        maxListEntries,
        watch,
        maxWatchedDirs,
        limits);
  }

  public static FsSettings defaults(boolean writable) {
    return new FsSettings(writable, DEFAULT_CHUNK_BYTES, 4, 256, 60_000, 2_000, false, 4_096);
  }
}
