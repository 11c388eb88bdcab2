package io.dialback.hub.bridge;

import io.dialback.wire.FailureCode;
import io.dialback.wire.Frame;
import io.dialback.wire.FrameException;
import io.dialback.wire.FrameWriter;
import io.dialback.wire.Headers;
import io.dialback.wire.Wire;
import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A call from one connection of this hub to an address another connection of the hub owns, routed
 * between the two without an event-bus request: checked by the same login, policy, limits and
 * timeout, stamped with the same caller identity. The caller's {@link Requests} holds it until it
 * is answered or overdue, the callee's {@link Deliveries} until its peer answers; whichever ends it
 * first wins, once.
 */
final class DirectCall implements Awaiting {
  final BridgeConnection caller;
  final String callerReply;
  final String address;
  final MultiMap headers;
  final Object body;
  final long timeoutMs;
  private final AtomicBoolean done = new AtomicBoolean();

  /** Its key in the caller's table of direct calls (set when the call starts). */
  String key;

  /** What metrics count it as (set when it starts), or null: an answer's answer is not counted. */
  CallKind kind;

  long startNanos;

  /** The failure code it ended with, if {@link #fail} ended it. */
  int failedCode = NOT_FAILED;

  /** The kind of failure it ended with, if {@link #fail} ended it. */
  ReplyFailure failedType;

  static final int NOT_FAILED = Integer.MIN_VALUE;

  /**
   * @param callerReply the caller's peer's reply address, where the answer goes
   * @param address the address the callee's peer sees the message on
   * @param headers what the callee's peer sees, the caller's identity stamped in
   * @param body {@code RawJson}, binary data, or null
   */
  DirectCall(
      BridgeConnection caller,
      String callerReply,
      String address,
      MultiMap headers,
      Object body,
      long timeoutMs) {
    this.caller = caller;
    this.callerReply = callerReply;
    this.address = address;
    this.headers = headers;
    this.body = body;
    this.timeoutMs = timeoutMs;
  }

  /** Claims the call's one ending; false when another ending came first. */
  boolean finish() {
    return done.compareAndSet(false, true);
  }

  @Override
  public void answer(Frame frame, BridgeConnection replier) throws FrameException {
    Headers.Inbound asked;
    try {
      // Over a hub link the answer carries the replier's identity, stamped by its hub.
      asked = replier.link ? Headers.fromHub(frame.headers()) : Headers.fromPeer(frame.headers());
    } catch (FrameException e) {
      fail(FailureCode.INTERNAL.code(), "replier sent a reply the hub cannot forward");
      throw e;
    }
    MultiMap answerHeaders =
        replier.link ? asked.headers() : asked.headers().set(Wire.HEADER_FROM, replier.identity());
    Object answerBody = Inbound.passedOn(frame);
    String back = replier.usableReply(frame.replyAddress());
    if (!finish()) {
      return; // overdue, or the caller is gone
    }
    if (back == null) {
      caller.onLoop(
          () ->
              caller.requests.answered(
                  this,
                  FrameWriter.message(
                      callerReply, null, answerHeaders, true, answerBody, caller.binary())));
      return;
    }
    // The answer asks for an answer in turn: a call back to the caller, on the same path.
    DirectCall backCall =
        new DirectCall(
            replier,
            back,
            callerReply,
            answerHeaders,
            answerBody,
            replier.limits.clampTimeout(asked.timeoutMs()));
    replier.requests.start(backCall, caller);
    caller.onLoop(() -> caller.requests.answered(this, null));
  }

  @Override
  public void fail(int code, String message) {
    fail(ReplyFailure.RECIPIENT_FAILURE, code, message);
  }

  @Override
  public void fail(ReplyFailure type, int code, String message) {
    if (finish()) {
      failedCode = code;
      failedType = type;
      caller.onLoop(
          () ->
              caller.requests.answered(
                  this, FrameWriter.replyError(callerReply, address, type, code, message)));
    }
  }
}
