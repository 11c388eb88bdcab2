package io.dialback.hub.bridge;

import io.dialback.hub.gate.Login;
import io.dialback.hub.registry.AgentRecord;
import io.dialback.link.CloseReason;
import io.dialback.logging.LogSafe;
import io.dialback.wire.FailureCode;
import io.dialback.wire.Frame;
import io.dialback.wire.FrameException;
import io.dialback.wire.FrameWriter;
import io.dialback.wire.Wire;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The login of one connection: the first frame must be a send to {@code hub.login}; the token (or
 * client certificate) is checked, an agent's name bound cluster-wide, and the answer sent. A
 * refused login's answer is held back (longer for an address that fails often), and a connection
 * that has not logged in counts among its address's logins in progress, where a newer one pushes
 * out the oldest. It also closes a connection whose token is revoked or whose name is taken over.
 */
final class LoginHandshake {
  private static final Logger log = LoggerFactory.getLogger(LoginHandshake.class);

  private final BridgeConnection connection;
  private final BridgeContext hub;
  private final Limits limits;
  private final String host;
  private long timer = -1;
  private boolean admitted;
  private boolean pending;
  private String countedIdentity;
  private boolean binaryAsked;
  private boolean movesAsked;

  LoginHandshake(BridgeConnection connection) {
    this.connection = connection;
    this.hub = connection.hub;
    this.limits = connection.limits;
    this.host = connection.peer.host();
  }

  /** The connection is open: the login clock starts, and it counts among its address's. */
  void start() {
    timer =
        hub.vertx()
            .setTimer(
                limits.loginTimeoutMs(),
                t -> {
                  if (waiting()) {
                    connection.refusals.close(
                        CloseReason.LOGIN_TIMEOUT,
                        FailureCode.NOT_LOGGED_IN,
                        "no login within " + limits.loginTimeoutMs() + " ms",
                        null);
                  }
                });
    if (!hub.guards().admit(host)) {
      connection.refusals.close(
          CloseReason.TOO_MANY_CONNECTIONS,
          FailureCode.BUSY,
          "more than " + limits.maxConnectionsPerAddress() + " connections from " + host,
          null);
      return;
    }
    admitted = true;
    pending = true;
    BridgeConnection pushedOut = hub.guards().startLogin(host, connection);
    if (pushedOut != null) {
      pushedOut.login.pushOut();
    }
    log.debug("[{}] connected", connection);
  }

  /**
   * Too many connections from this one's address have not logged in and it has waited longest: it
   * makes room (may run on any thread).
   */
  void pushOut() {
    connection.context.runOnContext(
        v -> {
          if (connection.state() == BridgeConnection.State.AWAITING_LOGIN) {
            connection.refusals.close(
                CloseReason.TOO_MANY_CONNECTIONS,
                FailureCode.BUSY,
                "more than "
                    + limits.maxPendingLoginsPerAddress()
                    + " connections from "
                    + host
                    + " were logging in at once; this one waited longest",
                null);
          }
        });
  }

  private boolean waiting() {
    BridgeConnection.State s = connection.state();
    return s == BridgeConnection.State.AWAITING_LOGIN || s == BridgeConnection.State.LOGGING_IN;
  }

  void onLogin(Frame frame) {
    String replyAddress = connection.usableReply(frame.replyAddress());
    if (replyAddress == null) {
      connection.refusals.close(
          CloseReason.PROTOCOL_VIOLATION,
          FailureCode.BAD_REQUEST,
          "hub.login needs a replyAddress",
          null);
      return;
    }
    if (hub.draining()) {
      refused(
          replyAddress,
          FailureCode.UNAVAILABLE,
          FailureCode.UNAVAILABLE.message("the hub is shutting down"));
      return;
    }
    Object body = frame.body();
    Login candidate;
    try {
      candidate = hub.gate().authenticate(body, connection.peer.certifiedName());
    } catch (FrameException e) {
      refused(replyAddress, e.code(), e.getMessage());
      return;
    }
    binaryAsked =
        body instanceof JsonObject
            && Boolean.TRUE.equals(((JsonObject) body).getValue(Wire.LOGIN_BINARY));
    movesAsked =
        body instanceof JsonObject
            && Boolean.TRUE.equals(((JsonObject) body).getValue(Wire.LOGIN_MOVES));
    if (!hub.guards().connect(candidate.identity())) {
      refused(
          replyAddress,
          FailureCode.BUSY,
          FailureCode.BUSY.message(
              candidate.identity()
                  + " has "
                  + limits.maxConnectionsPerIdentity()
                  + " connections open, its most"));
      return;
    }
    countedIdentity = candidate.identity();
    connection.state(BridgeConnection.State.LOGGING_IN);
    // It holds a valid token: no longer one of its address's anonymous logins, which a newcomer may
    // push out. Pushing out connections already binding their name turned a reconnect storm from
    // one address (a fleet behind a NAT) into a livelock: each login was evicted before the
    // cluster had bound its name.
    endPending();
    connection.pause(BridgeConnection.Pause.LOGIN);
    AgentRecord record = null;
    Future<Void> bound = Future.succeededFuture();
    if (candidate.name() != null) {
      record =
          new AgentRecord(
              candidate.name(),
              hub.hubName(),
              connection.id,
              System.currentTimeMillis(),
              candidate.meta());
      bound = hub.registry().bind(record, this::bindingLost);
    }
    AgentRecord tried = record;
    bound.onComplete(
        ar -> {
          if (connection.state() == BridgeConnection.State.CLOSED) {
            if (ar.succeeded() && tried != null) {
              hub.registry().unbind(tried);
            }
            return;
          }
          if (ar.failed()) {
            ReplyException e = asReplyException(ar.cause());
            refused(replyAddress, FailureCode.of(e.failureCode()), e.getMessage());
            return;
          }
          loggedIn(candidate, tried, replyAddress);
        });
  }

  private void loggedIn(Login who, AgentRecord record, String replyAddress) {
    hub.vertx().cancelTimer(timer);
    endPending();
    connection.open(who, record, binaryAsked, movesAsked);
    connection.write(
        FrameWriter.message(
            replyAddress,
            null,
            null,
            true,
            new JsonObject()
                .put(Wire.LOGIN_IDENTITY, who.identity())
                .put(Wire.LOGIN_ROLE, who.role().wireName())
                .put(Wire.LOGIN_HUB, hub.hubName())
                .put(Wire.LOGIN_BINARY, binaryAsked)
                .put(Wire.LOGIN_MAX_PENDING, limits.maxPendingRequests())));
    hub.metrics().login(null);
    log.info("[{}] logged in as {} ({})", connection, who.identity(), who.role().wireName());
    Audit.login(
        who.identity(),
        who.role().wireName(),
        who.grant() == null ? "-" : who.grant().id(),
        connection.peer.remote());
    connection.resume(BridgeConnection.Pause.LOGIN);
  }

  private void refused(String replyAddress, FailureCode code, String message) {
    FailureCode c = code == null ? FailureCode.INTERNAL : code;
    hub.metrics().login(c);
    log.info("[{}] login refused: {}", connection, LogSafe.text(message));
    Audit.loginRefused(c.code(), message, connection.peer.remote());
    Buffer answer =
        FrameWriter.replyError(
            replyAddress, Wire.HUB_LOGIN, ReplyFailure.RECIPIENT_FAILURE, c.code(), message);
    if (c == FailureCode.UNAVAILABLE || c == FailureCode.CONFLICT || c == FailureCode.BUSY) {
      connection.closeAfter(answer, CloseReason.LOGIN_REFUSED); // not a guess at credentials
      return;
    }
    // A guesser learns nothing quickly: the answer waits, longer for an address that fails often.
    // A correct token from the same address is never held back.
    long delay = hub.guards().failureDelayMs(host);
    hub.guards().loginFailed(host);
    connection.stopReading();
    connection.state(BridgeConnection.State.REFUSED);
    hub.vertx()
        .setTimer(
            Math.max(1, delay), t -> connection.closeAfter(answer, CloseReason.LOGIN_REFUSED));
  }

  /** Closes the connection if its token was revoked or has expired (may run on any thread). */
  void revalidate() {
    connection.context.runOnContext(
        v -> {
          Login who = connection.who();
          if (connection.state() == BridgeConnection.State.OPEN
              && who.grant() != null
              && !hub.gate().stillValid(who.grant())) {
            connection.refusals.close(
                CloseReason.TOKEN_REVOKED,
                FailureCode.NOT_LOGGED_IN,
                "token " + who.grant().id() + " was revoked or has expired",
                null);
          }
        });
  }

  /** Another hub's connection holds this connection's name now (a healed cluster split). */
  private void bindingLost() {
    connection.context.runOnContext(
        v -> {
          connection.forgetBinding(); // not ours to release any more
          connection.refusals.close(
              CloseReason.NAME_TAKEN,
              FailureCode.CONFLICT,
              "agent name taken over by a connection on another hub",
              null);
        });
  }

  /** The connection is gone: its counts are given back. */
  void close() {
    hub.vertx().cancelTimer(timer);
    endPending();
    if (admitted) {
      hub.guards().release(host);
      admitted = false;
    }
    if (countedIdentity != null) {
      hub.guards().disconnect(countedIdentity);
      countedIdentity = null;
    }
  }

  private void endPending() {
    if (pending) {
      hub.guards().endLogin(host, connection);
      pending = false;
    }
  }

  private static ReplyException asReplyException(Throwable t) {
    return t instanceof ReplyException
        ? (ReplyException) t
        : FailureCode.INTERNAL.exception(String.valueOf(t.getMessage()));
  }
}
