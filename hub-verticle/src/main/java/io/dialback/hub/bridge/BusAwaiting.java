package io.dialback.hub.bridge;

import io.dialback.wire.FailureCode;
import io.dialback.wire.Frame;
import io.dialback.wire.FrameException;
import io.dialback.wire.RawJson;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;

/**
 * A message from the event bus that waits for a peer's answer. A requester that passed its request
 * on undecoded (a bridge connection) takes the answer undecoded too; a Vert.x requester gets
 * values. An answer that itself expects an answer becomes a request of the replier.
 *
 * @param metrics where a Vert.x service's call of an agent is counted when it ends; null when this
 *     wait is not such a call
 */
record BusAwaiting(Message<Object> message, long startNanos, BridgeMetrics metrics)
    implements Awaiting {
  BusAwaiting(Message<Object> message) {
    this(message, 0, null);
  }

  private void count(CallOutcome outcome) {
    if (metrics != null) {
      metrics.call(CallKind.HUB_TO_AGENT, outcome, System.nanoTime() - startNanos);
    }
  }

  @Override
  public void expired() {
    count(CallOutcome.TIMEOUT);
  }

  @Override
  public void answer(Frame frame, BridgeConnection replier) throws FrameException {
    count(CallOutcome.OK);
    String replyAddress = replier.usableReply(frame.replyAddress());
    DeliveryOptions options;
    Object body;
    try {
      options = replier.inbound.deliveryOptions(frame);
      body =
          message.body() instanceof RawJson && replyAddress == null
              ? Inbound.passedOn(frame)
              : Inbound.decodedBody(frame);
      if (replyAddress == null) {
        message.reply(body, options);
        return;
      }
    } catch (FrameException | IllegalArgumentException e) {
      message.fail(FailureCode.INTERNAL.code(), "replier sent a reply the hub cannot forward");
      throw e instanceof FrameException fe
          ? fe
          : new FrameException(FailureCode.BAD_REQUEST, "body cannot travel on the event bus");
    }
    replier.requests.replyAndRequest(message, body, options, replyAddress);
  }

  @Override
  public void fail(int code, String text) {
    count(CallOutcome.ofCode(code));
    message.fail(code, text);
  }
}
