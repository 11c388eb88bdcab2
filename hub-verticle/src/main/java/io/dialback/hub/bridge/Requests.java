package io.dialback.hub.bridge;

import io.dialback.wire.FailureCode;
import io.dialback.wire.FrameException;
import io.dialback.wire.FrameWriter;
import io.dialback.wire.Wire;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * The peer's requests in flight: sent on the event bus expecting a reply, at most {@code
 * maxPendingRequests} at once; each reply or failure is written back to the peer's reply address. A
 * call to an agent is watched ({@link AgentWatch}) and fails at once when the agent is announced
 * gone; its late answer is then dropped.
 */
final class Requests {
  private final BridgeConnection connection;
  private final BridgeContext hub;
  private final Limits limits;
  private final AgentWatch watch;
  private int pending;

  Requests(BridgeConnection connection) {
    this.connection = connection;
    this.hub = connection.hub;
    this.limits = connection.limits;
    this.watch = new AgentWatch(connection);
  }

  /** Sends a request of the peer; its answer goes to {@code replyAddress}. */
  void send(String address, String replyAddress, Object body, DeliveryOptions options)
      throws FrameException {
    if (hub.draining()) {
      throw new FrameException(FailureCode.UNAVAILABLE, "the hub is shutting down");
    }
    checkPending();
    Future<Message<Object>> reply = hub.vertx().eventBus().request(address, body, options);
    started();
    String agent = Wire.agentNameOf(address);
    if (agent != null) {
      watch.watch(replyAddress, agent, address);
    }
    reply.onComplete(ar -> done(address, replyAddress, ar));
  }

  /**
   * The peer answers {@code message} and expects an answer to its answer at {@code replyAddress}.
   */
  void replyAndRequest(
      Message<Object> message, Object body, DeliveryOptions options, String replyAddress)
      throws FrameException {
    if (pending >= limits.maxPendingRequests()) {
      message.fail(FailureCode.BUSY.code(), FailureCode.BUSY.message("replier is overloaded"));
      checkPending();
    }
    started();
    String source = message.replyAddress();
    message.<Object>replyAndRequest(body, options).onComplete(ar -> done(source, replyAddress, ar));
  }

  private void checkPending() throws FrameException {
    if (pending >= limits.maxPendingRequests()) {
      throw new FrameException(
          FailureCode.BUSY,
          "more than " + limits.maxPendingRequests() + " requests of this connection are pending");
    }
  }

  private void started() {
    pending++;
    hub.requestStarted();
  }

  private void done(String address, String replyAddress, AsyncResult<Message<Object>> ar) {
    pending--;
    hub.requestDone();
    boolean answered = Wire.agentNameOf(address) != null && !watch.unwatch(replyAddress);
    if (connection.state() == BridgeConnection.State.CLOSED || answered) {
      if (ar.succeeded() && ar.result().replyAddress() != null) {
        ar.result()
            .fail(
                FailureCode.UNAVAILABLE.code(),
                FailureCode.UNAVAILABLE.message(connection + " is gone"));
      }
      return;
    }
    if (ar.succeeded()) {
      connection.deliveries.forward(replyAddress, ar.result(), true);
      return;
    }
    Throwable cause = ar.cause();
    if (cause instanceof ReplyException failure) {
      connection.write(
          FrameWriter.replyError(
              replyAddress,
              address,
              failure.failureType(),
              failure.failureCode(),
              failure.getMessage()));
    } else {
      connection.write(
          FrameWriter.replyError(
              replyAddress,
              address,
              ReplyFailure.ERROR,
              FailureCode.INTERNAL.code(),
              FailureCode.INTERNAL.message(String.valueOf(cause.getMessage()))));
    }
  }

  /** Agent {@code agent} left (announced by whichever hub saw it go); may run on any thread. */
  void agentLeft(String agent, String agentHub) {
    connection.context.runOnContext(
        v -> {
          if (connection.state() == BridgeConnection.State.CLOSED) {
            return;
          }
          String reason =
              FailureCode.UNAVAILABLE.message(
                  "agent " + agent + " left (it was on " + agentHub + ")");
          watch.agentLeft(
              agent,
              (replyAddress, call) ->
                  connection.write(
                      FrameWriter.replyError(
                          replyAddress,
                          call.address(),
                          ReplyFailure.RECIPIENT_FAILURE,
                          FailureCode.UNAVAILABLE.code(),
                          reason)));
        });
  }

  void close() {
    watch.close();
  }
}
