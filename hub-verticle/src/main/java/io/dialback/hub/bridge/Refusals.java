package io.dialback.hub.bridge;

import io.dialback.link.CloseReason;
import io.dialback.logging.LogSafe;
import io.dialback.wire.FailureCode;
import io.dialback.wire.FrameException;
import io.dialback.wire.FrameType;
import io.dialback.wire.FrameWriter;
import io.dialback.wire.Wire;
import io.vertx.core.eventbus.ReplyFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refusals of one connection: the {@code err} that tells the peer, the audit line that tells the
 * operator (at most {@link Audit#MAX_REFUSALS_PER_CONNECTION} of them), and the close where a
 * refusal ends the connection — any refusal before login does.
 */
final class Refusals {
  private static final Logger log = LoggerFactory.getLogger(Refusals.class);

  private final BridgeConnection connection;
  private int count;

  Refusals(BridgeConnection connection) {
    this.connection = connection;
  }

  /** Refuses one frame: an err to its reply address if it had one; before login, a close too. */
  void frame(FrameException e) {
    if (connection.state() != BridgeConnection.State.OPEN) {
      close(CloseReason.PROTOCOL_VIOLATION, e.code(), e.detail(), e.replyAddress());
      return;
    }
    connection.hub.metrics().refused(e.code());
    if (e.replyAddress() != null) {
      connection.write(
          FrameWriter.replyError(
              e.replyAddress(),
              null,
              ReplyFailure.RECIPIENT_FAILURE,
              e.code().code(),
              e.getMessage()));
    } else {
      connection.write(FrameWriter.refusal(e.code(), e.detail(), null));
    }
    log.debug("[{}] refused a frame: {}", connection, LogSafe.text(e.getMessage()));
    audit("?", null, e.code(), e.detail());
  }

  /**
   * Refuses an addressed frame of a logged-in peer: a request's refusal goes to its reply address,
   * a registration's to the address's handler, anything else to the general error handler.
   */
  void addressed(FrameType type, String address, String replyAddress, FrameException e) {
    connection.hub.metrics().refused(e.code());
    if (type == FrameType.SEND && replyAddress != null) {
      connection.write(
          FrameWriter.replyError(
              replyAddress,
              address,
              ReplyFailure.RECIPIENT_FAILURE,
              e.code().code(),
              e.getMessage()));
    } else {
      boolean subscription = type == FrameType.REGISTER || type == FrameType.UNREGISTER;
      connection.write(FrameWriter.refusal(e.code(), e.detail(), subscription ? address : null));
    }
    log.debug(
        "[{}] refused {} {}: {}",
        connection,
        type.wireName(),
        LogSafe.text(address),
        LogSafe.text(e.getMessage()));
    audit(type.wireName(), address, e.code(), e.detail());
  }

  /** Ends the connection with a last {@code err}: to {@code replyAddress}, or a general one. */
  void close(CloseReason reason, FailureCode code, String detail, String replyAddress) {
    connection.hub.metrics().refused(code);
    log.info(
        "[{}] closing ({}): {}", connection, reason.label(), LogSafe.text(code.message(detail)));
    Audit.closed(connection.identity(), connection.peer.remote(), reason, code.message(detail));
    connection.closeAfter(
        replyAddress == null
            ? FrameWriter.refusal(code, detail, null)
            : FrameWriter.replyError(
                replyAddress,
                null,
                ReplyFailure.RECIPIENT_FAILURE,
                code.code(),
                code.message(detail)),
        reason);
  }

  /** An audit line for a refusal; capped per connection so a hostile peer cannot flood it. */
  private void audit(String type, String address, FailureCode code, String reason) {
    count++;
    String who = connection.identity();
    String from = connection.peer.remote();
    if (count <= Audit.MAX_REFUSALS_PER_CONNECTION) {
      Audit.refused(who, from, type, address, code.code(), reason);
    } else if (count == Audit.MAX_REFUSALS_PER_CONNECTION + 1) {
      Audit.refusalsCapped(who, from);
    }
  }

  /** {@code address} if the hub may write a frame to it (a peer's reply address), else null. */
  static String usableReply(String address, int maxAddressChars) {
    if (address == null) {
      return null;
    }
    try {
      io.dialback.hub.gate.AddressPolicy.checkShape(Wire.REPLY_ADDRESS, address, maxAddressChars);
      return address;
    } catch (FrameException e) {
      return null;
    }
  }

  /** {@code e}, its reply address dropped unless the hub may write to it. */
  static FrameException withUsableReply(FrameException e, int maxAddressChars) {
    String reply = usableReply(e.replyAddress(), maxAddressChars);
    return reply == e.replyAddress() ? e : new FrameException(e.code(), e.detail(), reply);
  }
}
