package io.dialback.files;

/** A transfer stopped by its {@link Cancellation}; {@link #bytesKept()} bytes are kept. */
public final class TransferCancelled extends RuntimeException {
  private final long bytesKept;

  public TransferCancelled(String message, long bytesKept) {
    super(message);
    this.bytesKept = bytesKept;
  }

  /** What a later transfer of the same file can resume from. */
  public long bytesKept() {
    return bytesKept;
  }
}
