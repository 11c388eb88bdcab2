package io.dialback.agent.fs;

/**
 * What uploads may take of a writable agent, so that one caller cannot hold its upload slots, its
 * disk or its time.
 *
 * @param maxUploads uploads in progress at once on this agent; beyond, a new one gets {@code busy}
 * @param maxPerCaller uploads in progress at once for one caller identity; beyond, {@code busy}
 * @param maxBytes the largest file one upload may write; a chunk that would pass it gets {@code
 *     too_large} and ends the upload; 0 for no bound
 * @param minBytesPerSecond the slowest an upload may be, measured over each window; a slower one is
 *     abandoned; 0 for no minimum
 * @param rateWindowMs the window over which the rate is measured; the first one, from the upload's
 *     first chunk, is its grace period
 */
public record UploadLimits(
    int maxUploads, int maxPerCaller, long maxBytes, long minBytesPerSecond, long rateWindowMs) {

  public static final UploadLimits DEFAULTS =
      new UploadLimits(64, 8, 16L * 1024 * 1024 * 1024, 16 * 1024, 30_000);

  public UploadLimits {
    if (maxUploads < 1) {
      throw new IllegalArgumentException("maxUploads must be at least 1: " + maxUploads);
    }
    if (maxPerCaller < 1 || maxPerCaller > maxUploads) {
      throw new IllegalArgumentException(
          "maxPerCaller must be in 1..maxUploads (" + maxUploads + "): " + maxPerCaller);
    }
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes must be 0 (no bound) or more: " + maxBytes);
    }
    if (minBytesPerSecond < 0) {
      throw new IllegalArgumentException(
          "minBytesPerSecond must be 0 (no minimum) or more: " + minBytesPerSecond);
    }
    if (rateWindowMs < 100) {
      throw new IllegalArgumentException("rateWindowMs must be at least 100: " + rateWindowMs);
    }
  }

  /** Whether {@code bytes} in all is more than one upload may write. */
  boolean tooLarge(long bytes) {
    return maxBytes > 0 && bytes > maxBytes;
  }

  /**
   * Why a caller with {@code mine} uploads in progress, of {@code all} on the agent, cannot start
   * one more, naming the bound; null if it can.
   */
  String noSlot(String owner, int mine, int all) {
    if (mine >= maxPerCaller) {
      return (owner.isEmpty() ? "this caller" : "caller " + owner)
          + " has "
          + mine
          + " uploads in progress, the most one caller may have (fs.maxUploadsPerCaller = "
          + maxPerCaller
          + "); finish one first";
    }
    if (all >= maxUploads) {
      return all
          + " uploads are in progress on this agent, the most it takes (fs.maxUploads = "
          + maxUploads
          + "); try again later";
    }
    return null;
  }

  /** Why an upload that would reach {@code bytes} is refused. */
  String whyTooLarge(long bytes) {
    return "it would reach "
        + bytes
        + " bytes, more than this agent takes (fs.maxUploadBytes = "
        + maxBytes
        + ")";
  }
}
