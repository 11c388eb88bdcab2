package io.dialback.hub.bridge;

import io.dialback.wire.Frame;
import io.dialback.wire.FrameException;

/**
 * What waits for a peer's answer to something delivered to it: a message from the event bus, or a
 * call from another connection of the same hub ({@link DirectCall}). Exactly one answer or failure
 * reaches it.
 */
interface Awaiting {
  /** The peer answered with {@code frame} (not a failure), on the replier's event loop. */
  void answer(Frame frame, BridgeConnection replier) throws FrameException;

  /** The peer failed it, went away, or too much was waiting already. */
  void fail(int code, String message);

  /**
   * As {@link #fail(int, String)}, with the kind of failure another hub reported over a hub link;
   * what cannot pass it on ignores it.
   */
  default void fail(io.vertx.core.eventbus.ReplyFailure type, int code, String message) {
    fail(code, message);
  }

  /** It waited too long and was dropped; the sender's own timeout tells the sender. */
  default void expired() {}
}
