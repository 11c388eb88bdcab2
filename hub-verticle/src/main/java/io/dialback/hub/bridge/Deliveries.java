package io.dialback.hub.bridge;

import io.dialback.link.ReplyTable;
import io.dialback.logging.LogSafe;
import io.dialback.wire.FailureCode;
import io.dialback.wire.Frame;
import io.dialback.wire.FrameException;
import io.dialback.wire.FrameWriter;
import io.dialback.wire.Wire;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.EncodeException;
import java.security.SecureRandom;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Messages for the peer — sends to its registrations, publishes, and the answers to its requests —
 * written as frames. One that waits for the peer's answer is kept under a reply address of this
 * connection's own, a secret prefix and a counter that no other connection can guess, and the
 * peer's answer goes back to the waiting sender once.
 */
final class Deliveries {
  private static final Logger log = LoggerFactory.getLogger(Deliveries.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final BridgeConnection connection;
  private final Limits limits;
  private final String replyPrefix;
  private final ReplyTable<Awaiting> awaiting = new ReplyTable<>();
  private long count;

  Deliveries(BridgeConnection connection) {
    this.connection = connection;
    this.limits = connection.limits;
    byte[] secret = new byte[12];
    RANDOM.nextBytes(secret);
    this.replyPrefix =
        Wire.VERTX_INTERNAL_PREFIX
            + "reply."
            + Base64.getUrlEncoder().withoutPadding().encodeToString(secret)
            + ".";
  }

  /** A message sent to one of the peer's registrations (by {@link Subscriptions}). */
  void deliver(Message<Object> message) {
    if (connection.state() == BridgeConnection.State.CLOSED) {
      if (message.replyAddress() != null) {
        message.fail(
            FailureCode.UNAVAILABLE.code(),
            FailureCode.UNAVAILABLE.message(connection + " is gone"));
      }
      return;
    }
    forward(message.address(), message, message.isSend(), fromService(message));
  }

  /**
   * Whether {@code message} is a Vert.x service's call of this agent: what a bridge connection
   * passes on travels undecoded ({@code RawJson}, binary data) and is counted where it started.
   */
  private static boolean fromService(Message<Object> message) {
    Object body = message.body();
    return message.replyAddress() != null
        && Wire.isAgentCall(message.address())
        && !(body instanceof io.dialback.wire.RawJson)
        && !(body instanceof Buffer);
  }

  /** A message published on one of the peer's registrations, as shared frame bytes. */
  void deliverPublished(Subscriptions.Published published) {
    Buffer frame = published.frame(connection.binary());
    if (frame != null) {
      connection.write(frame);
    }
  }

  /**
   * A call from another connection of this hub ({@link DirectCall}): written to the peer like a
   * delivery, its answer handed back to the calling connection.
   */
  void deliverDirect(DirectCall call, boolean send) {
    if (connection.state() == BridgeConnection.State.CLOSED) {
      call.fail(
          FailureCode.UNAVAILABLE.code(), FailureCode.UNAVAILABLE.message(connection + " is gone"));
      return;
    }
    String replyAddress = await(call);
    if (replyAddress != null) {
      MultiMap headers = call.headers;
      if (connection.link) { // the other hub times the call out when this one would
        long left = call.timeoutMs - (System.nanoTime() - call.startNanos) / 1_000_000;
        headers =
            MultiMap.caseInsensitiveMultiMap()
                .addAll(call.headers)
                .set(Wire.HEADER_TIMEOUT, Long.toString(Math.max(1, left)));
      }
      connection.write(
          FrameWriter.message(
              call.address, replyAddress, headers, send, call.body, connection.binary()));
    }
  }

  /**
   * Writes {@code message} to the peer at {@code address} (a registration, or the peer's reply
   * address for an answer), remembering it when it waits for the peer's own answer.
   */
  void forward(String address, Message<Object> message, boolean send) {
    forward(address, message, send, false);
  }

  private void forward(String address, Message<Object> message, boolean send, boolean counted) {
    String replyAddress = null;
    if (message.replyAddress() != null) {
      replyAddress =
          await(
              counted
                  ? new BusAwaiting(message, System.nanoTime(), connection.hub.metrics())
                  : new BusAwaiting(message));
      if (replyAddress == null) {
        return;
      }
    }
    Buffer frame;
    try {
      frame =
          FrameWriter.message(
              address, replyAddress, message.headers(), send, message.body(), connection.binary());
    } catch (EncodeException | IllegalStateException e) {
      String detail =
          "a message body of type "
              + message.body().getClass().getName()
              + " cannot be written as JSON";
      if (replyAddress != null && awaiting.remove(replyAddress) != null) {
        connection.hub.awaiting(-1);
        message.fail(FailureCode.INTERNAL.code(), FailureCode.INTERNAL.message(detail));
      }
      log.warn("[{}] dropped a message on {}: {}", connection, LogSafe.text(address), detail);
      return;
    }
    connection.write(frame);
  }

  /** Keeps {@code waiting} under a fresh reply address; null when too many wait already. */
  private String await(Awaiting waiting) {
    long now = System.nanoTime();
    // Every entry has the same lifetime, so the oldest are due first.
    awaiting.expire(
        now,
        true,
        (id, m) -> {
          connection.hub.awaiting(-1);
          m.expired();
        });
    if (awaiting.size() >= limits.maxPendingDeliveries()) {
      waiting.fail(
          FailureCode.BUSY.code(),
          FailureCode.BUSY.message(
              connection.identity()
                  + " already has "
                  + awaiting.size()
                  + " messages waiting for replies"));
      return null;
    }
    String replyAddress = replyPrefix + (++count);
    awaiting.put(replyAddress, waiting, now + limits.maxTimeoutMs() * 1_000_000);
    connection.hub.awaiting(1);
    return replyAddress;
  }

  /**
   * The peer sends to {@code address}: if that is a reply address it was given, this is its answer,
   * passed to whoever waits for it (true); otherwise it is not a reply (false).
   */
  boolean onReply(String address, Frame frame) throws FrameException {
    Awaiting waiting = awaiting.remove(address);
    if (waiting == null) {
      return false;
    }
    connection.hub.awaiting(-1);
    if (frame.failureCode() != null) {
      ReplyFailure type = connection.link ? failureType(frame.failureType()) : null;
      if (type != null) {
        waiting.fail(type, frame.failureCode(), frame.message());
      } else {
        waiting.fail(frame.failureCode(), frame.message());
      }
    } else {
      waiting.answer(frame, connection);
    }
    return true;
  }

  private static ReplyFailure failureType(String name) {
    for (ReplyFailure type : ReplyFailure.values()) {
      if (type.name().equals(name)) {
        return type;
      }
    }
    return null;
  }

  /** Requests delivered to this connection that waited for its answer. */
  long delivered() {
    return count;
  }

  /** The connection is gone: whoever waits for its answers is told so now. */
  void close() {
    String gone =
        FailureCode.UNAVAILABLE.message(connection.identity() + " disconnected before replying");
    awaiting.drain(
        (id, waiting) -> {
          connection.hub.awaiting(-1);
          waiting.fail(FailureCode.UNAVAILABLE.code(), gone);
        });
  }
}
