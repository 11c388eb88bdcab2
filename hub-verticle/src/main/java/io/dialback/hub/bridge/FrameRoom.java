package io.dialback.hub.bridge;

import io.dialback.link.CloseReason;
import io.dialback.wire.FailureCode;

/**
 * Room for one connection's large frames (over {@link Limits#SMALL_FRAME_BYTES}): each is read only
 * while its identity's and the hub's frame-buffer budgets have room for it; until then the
 * connection is not read, and one that waits longer than the default timeout is closed.
 */
final class FrameRoom {
  private static final long RETRY_MS = 20;

  private final BridgeConnection connection;
  private long waitingSinceMs;
  private int reserved;
  private String reservedKey;

  FrameRoom(BridgeConnection connection) {
    this.connection = connection;
  }

  /** A frame of {@code length} begins: true when it may be read now. */
  boolean admit(int length) {
    if (length <= Limits.SMALL_FRAME_BYTES) {
      return true;
    }
    BridgeContext hub = connection.hub;
    Limits limits = connection.limits;
    Budget budget = hub.frameBuffers();
    if (!budget.fits(length)) {
      connection.refusals.close(
          CloseReason.MEMORY_PRESSURE,
          FailureCode.TOO_LARGE,
          "a frame of "
              + length
              + " bytes is more than the hub buffers for one peer ("
              + Math.min(budget.perIdentity(), budget.total())
              + ")",
          null);
      return false;
    }
    if (budget.tryTake(connection.accountKey(), length)) {
      reserved = length;
      reservedKey = connection.accountKey();
      waitingSinceMs = 0;
      return true;
    }
    long now = System.nanoTime() / 1_000_000;
    if (waitingSinceMs == 0) {
      waitingSinceMs = now;
    } else if (now - waitingSinceMs > limits.defaultTimeoutMs()) {
      connection.refusals.close(
          CloseReason.MEMORY_PRESSURE,
          FailureCode.BUSY,
          "no room to buffer a frame of "
              + length
              + " bytes for "
              + limits.defaultTimeoutMs()
              + " ms",
          null);
      return false;
    }
    connection.pause(BridgeConnection.Pause.MEMORY);
    // Reading again asks again.
    hub.vertx().setTimer(RETRY_MS, t -> connection.resume(BridgeConnection.Pause.MEMORY));
    return false;
  }

  /** The frame was handled (or the connection closed): its room is given back. */
  void release() {
    if (reserved > 0) {
      connection.hub.frameBuffers().give(reservedKey, reserved);
      reserved = 0;
    }
  }
}
