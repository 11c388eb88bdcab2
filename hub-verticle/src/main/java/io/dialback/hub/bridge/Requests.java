package io.dialback.hub.bridge;

import io.dialback.link.NoHandlerRetry;
import io.dialback.link.ReplyTable;
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
 * gone; its late answer is then dropped. A call to an agent that no consumer took is sent again for
 * a while ({@link NoHandlerRetry}): the agent may be moving between hubs.
 *
 * <p>A draining hub refuses new requests with 503, except those of the connections it told to move
 * ({@link BridgeConnection#willMove()}) until they have moved: refusing them would fail calls that
 * the move is meant to save; and those on hub links, which are for agents still here.
 */
final class Requests {
  private final BridgeConnection connection;
  private final BridgeContext hub;
  private final Limits limits;
  private final AgentWatch watch;
  private final ReplyTable<DirectCall> direct = new ReplyTable<>();
  private int pending;
  private long directCount;
  private long sweep = -1;

  Requests(BridgeConnection connection) {
    this.connection = connection;
    this.hub = connection.hub;
    this.limits = connection.limits;
    this.watch = new AgentWatch(connection);
  }

  /** Sends a request of the peer; its answer goes to {@code replyAddress}. */
  void send(String address, String replyAddress, Object body, DeliveryOptions options)
      throws FrameException {
    checkDraining();
    checkPending();
    long startNanos = System.nanoTime();
    String agent = Wire.agentNameOf(address);
    Future<Message<Object>> reply =
        agent == null
            ? hub.vertx().eventBus().request(address, body, options)
            : NoHandlerRetry.send(
                hub.vertx(),
                options.getSendTimeout(),
                timeout ->
                    hub.vertx()
                        .eventBus()
                        .request(
                            address, body, new DeliveryOptions(options).setSendTimeout(timeout)));
    started();
    // A call over a hub link was counted on the hub its caller is connected to.
    CallKind kind =
        connection.link
            ? null
            : CallKind.of(connection.who().name() != null, Wire.isAgentCall(address));
    if (agent != null) {
      watch.watch(
          replyAddress,
          agent,
          reason ->
              connection.write(
                  FrameWriter.replyError(
                      replyAddress,
                      address,
                      ReplyFailure.RECIPIENT_FAILURE,
                      FailureCode.UNAVAILABLE.code(),
                      reason)));
    }
    reply.onComplete(
        ar -> {
          count(
              kind,
              startNanos,
              ar,
              Wire.agentNameOf(address) != null && !watch.isWatched(replyAddress));
          done(address, replyAddress, ar);
        });
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

  /**
   * Sends a request of the peer straight to {@code target}, the connection of this hub that owns
   * {@code address} ({@link Routes}); its answer goes to {@code replyAddress}.
   */
  void direct(
      String address,
      String replyAddress,
      BridgeConnection target,
      DeliveryOptions options,
      Object body)
      throws FrameException {
    checkDraining();
    checkPending();
    start(
        new DirectCall(
            connection,
            replyAddress,
            address,
            options.getHeaders(),
            body,
            options.getSendTimeout()),
        target,
        connection.link ? null : CallKind.of(connection.who().name() != null, true));
  }

  /** Starts {@code call} (made on this connection's loop, this connection its caller). */
  void start(DirectCall call, BridgeConnection target) {
    start(call, target, null);
  }

  /** As above, counted in metrics as {@code kind} (null: not counted). */
  private void start(DirectCall call, BridgeConnection target, CallKind kind) {
    if (pending >= limits.maxPendingRequests()) {
      call.fail(
          FailureCode.BUSY.code(),
          FailureCode.BUSY.message(
              "more than "
                  + limits.maxPendingRequests()
                  + " requests of this connection are pending"));
      return;
    }
    started();
    call.kind = kind;
    call.startNanos = System.nanoTime();
    call.key = Long.toString(++directCount);
    direct.put(call.key, call, System.nanoTime() + call.timeoutMs * 1_000_000);
    String agent = Wire.agentNameOf(call.address);
    if (agent != null) {
      watch.watch(call, agent, reason -> left(call, reason));
    }
    if (sweep == -1) {
      sweep = hub.vertx().setPeriodic(100, t -> sweepDirect());
    }
    target.onLoop(() -> target.deliveries.deliverDirect(call, true));
  }

  /** A direct call of this connection ended: {@code frame} (if any) goes to the peer. */
  void answered(DirectCall call, io.vertx.core.buffer.Buffer frame) {
    if (direct.remove(call.key) == null) {
      return;
    }
    watch.unwatch(call);
    pending--;
    hub.requestDone();
    count(
        call,
        call.failedCode == DirectCall.NOT_FAILED
            ? CallOutcome.OK
            : call.failedType == ReplyFailure.TIMEOUT
                ? CallOutcome.TIMEOUT
                : call.failedType == ReplyFailure.NO_HANDLERS
                    ? CallOutcome.NO_HANDLERS
                    : CallOutcome.ofCode(call.failedCode));
    if (frame != null) {
      connection.write(frame);
    }
  }

  private void sweepDirect() {
    direct.expire(
        System.nanoTime(),
        false,
        (key, call) -> {
          pending--;
          hub.requestDone();
          watch.unwatch(call);
          count(call, CallOutcome.TIMEOUT);
          if (call.finish()) {
            connection.write(
                FrameWriter.replyError(
                    call.callerReply,
                    call.address,
                    ReplyFailure.TIMEOUT,
                    -1,
                    "Timed out after waiting "
                        + call.timeoutMs
                        + "(ms) for a reply. address: "
                        + call.address));
          }
        });
    if (direct.isEmpty()) {
      hub.vertx().cancelTimer(sweep);
      sweep = -1;
    }
  }

  /**
   * A draining hub refuses new requests, but not of a connection it told to move (not yet gone).
   */
  private void checkDraining() throws FrameException {
    // A link's calls are for agents still here: the other hub sends none once told this one stops.
    if (hub.draining() && !connection.willMove() && !connection.link) {
      throw new FrameException(FailureCode.UNAVAILABLE, "the hub is shutting down");
    }
  }

  /** Requests of this connection waiting for answers. */
  int pending() {
    return pending;
  }

  private void count(DirectCall call, CallOutcome outcome) {
    if (call.kind != null) {
      hub.metrics().call(call.kind, outcome, System.nanoTime() - call.startNanos);
    }
  }

  /** Counts an event-bus request; {@code agentLeft}: it was failed already as its agent left. */
  private void count(
      CallKind kind, long startNanos, AsyncResult<Message<Object>> ar, boolean agentLeft) {
    if (kind == null) {
      return;
    }
    CallOutcome outcome =
        agentLeft
            ? CallOutcome.UNAVAILABLE
            : ar.succeeded() ? CallOutcome.OK : CallOutcome.of(ar.cause());
    hub.metrics().call(kind, outcome, System.nanoTime() - startNanos);
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
    hub.requestStarted(!connection.link); // a link's calls were counted where they started
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
          if (connection.state() != BridgeConnection.State.CLOSED) {
            watch.agentLeft(
                agent,
                FailureCode.UNAVAILABLE.message(
                    "agent " + agent + " left (it was on " + agentHub + ")"));
          }
        });
  }

  /** A direct call whose agent left: it fails now, and its late answer is dropped. */
  private void left(DirectCall call, String reason) {
    if (direct.remove(call.key) == null) {
      return;
    }
    pending--;
    hub.requestDone();
    count(call, CallOutcome.UNAVAILABLE);
    if (call.finish()) {
      connection.write(
          FrameWriter.replyError(
              call.callerReply,
              call.address,
              ReplyFailure.RECIPIENT_FAILURE,
              FailureCode.UNAVAILABLE.code(),
              reason));
    }
  }

  void close() {
    watch.close();
    hub.vertx().cancelTimer(sweep);
    direct.drain(
        (key, call) -> {
          call.finish(); // a late answer is dropped
          pending--;
          hub.requestDone();
          count(call, CallOutcome.UNAVAILABLE);
        });
  }
}
