package io.dialback.hub.bridge;

import io.dialback.hub.gate.AddressPolicy;
import io.dialback.logging.LogSafe;
import io.dialback.wire.FailureCode;
import io.dialback.wire.Frame;
import io.dialback.wire.FrameException;
import io.dialback.wire.FrameType;
import io.dialback.wire.FrameWriter;
import io.dialback.wire.Headers;
import io.dialback.wire.RawJson;
import io.dialback.wire.Wire;
import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.HashSet;
import java.util.Set;

/**
 * A logged-in peer's addressed frames: each is checked against the address's shape, the address
 * policy, the token and the identity's rate, then routed — a reply to {@link Deliveries}, a request
 * to {@link Requests}, a publish or a send without reply to the event bus, a registration to the
 * event loop's {@link Subscriptions} (counted per connection, identity and hub). It also answers
 * pings, holding a pong back until the registrations before it are in place.
 */
final class Inbound {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Inbound.class);
  private final BridgeConnection connection;
  private final BridgeContext hub;
  private final Limits limits;
  private final EventBus eventBus;
  private final Subscriptions subscriptions;
  private final Set<String> registrations = new HashSet<>();
  private int registrationsInFlight;
  private int pongsOwed;

  Inbound(BridgeConnection connection, Subscriptions subscriptions) {
    this.connection = connection;
    this.hub = connection.hub;
    this.limits = connection.limits;
    this.eventBus = hub.vertx().eventBus();
    this.subscriptions = subscriptions;
  }

  void ping() {
    if (registrationsInFlight == 0) {
      connection.write(FrameWriter.pong());
    } else {
      // A pong after a register means the registration is in place: hold it until it is.
      pongsOwed++;
    }
  }

  void onAddressed(Frame frame) {
    FrameType type = frame.type();
    String replyAddress = connection.usableReply(frame.replyAddress());
    String address = frame.address();
    try {
      if (address == null || address.isEmpty()) {
        throw new FrameException(FailureCode.BAD_REQUEST, "frame has no address");
      }
      AddressPolicy.checkShape(Wire.ADDRESS, address, limits.maxAddressChars());
      if (frame.replyAddress() != null) {
        AddressPolicy.checkShape(
            Wire.REPLY_ADDRESS, frame.replyAddress(), limits.maxAddressChars());
      }
    } catch (FrameException e) {
      connection.refusals.frame(new FrameException(e.code(), e.detail(), replyAddress));
      return;
    }
    try {
      switch (type) {
        case SEND -> onSend(address, replyAddress, frame);
        case PUBLISH -> {
          hub.policy().checkPublish(connection.who(), address);
          checkRate();
          eventBus.publish(address, decodedBody(frame), deliveryOptions(frame));
          hub.metrics().call(CallKind.PUBLISH, CallOutcome.OK, 0);
        }
        case REGISTER -> onRegister(address);
        default -> onUnregister(address);
      }
    } catch (IllegalArgumentException e) {
      // The event bus has no codec for the body (e.g. a JSON number too large for a long).
      connection.refusals.addressed(
          type,
          address,
          replyAddress,
          new FrameException(
              FailureCode.BAD_REQUEST, "body cannot travel on the event bus: " + e.getMessage()));
    } catch (FrameException e) {
      connection.refusals.addressed(type, address, replyAddress, e);
    }
  }

  private void onSend(String address, String replyAddress, Frame frame) throws FrameException {
    if (connection.deliveries.onReply(address, frame)) {
      return;
    }
    hub.policy().checkSend(connection.who(), address);
    checkRate();
    DeliveryOptions options = deliveryOptions(frame);
    if (replyAddress != null) {
      BridgeConnection owner = hub.routes().owner(address);
      if (owner == null && hub.links() != null) {
        owner = hub.links().toward(address, connection.context); // the agent is on another hub
      }
      if (owner != null) {
        // Both ends are connections of this hub (or a link to the agent's): no event-bus request.
        connection.requests.direct(address, replyAddress, owner, options, passedOn(frame));
        return;
      }
    }
    // Only an agent's own connection consumes agent.<name>.* (the policy sees to it), so the body
    // can travel undecoded; anything else may be a Vert.x consumer that wants the value.
    Object body = Wire.isAgentCall(address) ? passedOn(frame) : decodedBody(frame);
    if (replyAddress == null) {
      eventBus.send(address, body, options);
      return;
    }
    connection.requests.send(address, replyAddress, body, options);
  }

  /**
   * A frame on a hub link ({@link HubLinks}): an answer to a call this hub sent on it (a {@code
   * message} or {@code err} to one of this connection's reply addresses), a call of the other hub
   * to an agent (routed to the agent's connection here, or over the event bus when it is not here
   * any more), or the other hub's notice that it is stopping. Anything else is refused.
   */
  void onLinkFrame(Frame frame) {
    String address = frame.address();
    String replyAddress = connection.usableReply(frame.replyAddress());
    if (frame.type() == FrameType.ERR) {
      // Never answered, so that two hubs cannot refuse each other's refusals for ever.
      if (address == null || !answers(address, frame)) {
        log.debug("[{}] dropped a failure: {}", connection, LogSafe.text(frame.message()));
      }
      return;
    }
    try {
      if (address == null || address.isEmpty()) {
        throw new FrameException(FailureCode.BAD_REQUEST, "frame has no address");
      }
      AddressPolicy.checkShape(Wire.ADDRESS, address, limits.maxAddressChars());
      if (frame.type() != FrameType.MESSAGE) {
        throw new FrameException(
            FailureCode.BAD_REQUEST, "a hub link carries calls and their answers only");
      }
      if (Wire.HUB_GOAWAY.equals(address)) {
        connection.retire();
        return;
      }
      if (frame.replyAddress() != null) {
        AddressPolicy.checkShape(
            Wire.REPLY_ADDRESS, frame.replyAddress(), limits.maxAddressChars());
      }
      if (connection.deliveries.onReply(address, frame)) {
        return;
      }
      if (!Wire.isAgentCall(address) || replyAddress == null) {
        throw new FrameException(
            FailureCode.DENIED, "a hub link carries calls to agents only, not to " + address);
      }
      DeliveryOptions options = deliveryOptions(frame);
      BridgeConnection owner = hub.routes().owner(address);
      if (owner != null) {
        connection.requests.direct(address, replyAddress, owner, options, passedOn(frame));
      } else {
        connection.requests.send(address, replyAddress, passedOn(frame), options);
      }
    } catch (FrameException e) {
      connection.refusals.addressed(FrameType.SEND, address, replyAddress, e);
    }
  }

  /** Whether {@code frame} answered a call this connection waits on (a late one is dropped). */
  private boolean answers(String address, Frame frame) {
    try {
      return connection.deliveries.onReply(address, frame);
    } catch (FrameException e) {
      return true; // the answer could not be passed on; its caller was told
    }
  }

  private void checkRate() throws FrameException {
    String identity = connection.identity();
    if (!hub.guards().request(identity)) {
      throw new FrameException(
          FailureCode.BUSY,
          identity + " sends more than " + limits.maxRequestsPerSecond() + " messages a second");
    }
  }

  private void onRegister(String address) throws FrameException {
    hub.policy().checkRegister(connection.who(), address);
    if (registrations.contains(address)) {
      return; // Registering twice is idempotent: one consumer per address and connection.
    }
    if (registrations.size() >= limits.maxRegistrations()) {
      throw new FrameException(
          FailureCode.BUSY,
          "a connection may register at most " + limits.maxRegistrations() + " addresses");
    }
    Budget budget = hub.registrationBudget();
    String identity = connection.identity();
    if (!budget.tryTake(identity, 1)) {
      throw new FrameException(
          FailureCode.BUSY,
          budget.used(identity) >= budget.perIdentity()
              ? identity + " has " + budget.perIdentity() + " registrations, its most"
              : "the hub holds " + budget.total() + " registrations, its most");
    }
    registrations.add(address);
    hub.routes().add(address, connection);
    registrationsInFlight++;
    subscriptions
        .add(address, connection)
        .onComplete(
            ar -> {
              registrationsInFlight--;
              if (ar.failed()
                  && connection.state() != BridgeConnection.State.CLOSED
                  && registrations.remove(address)) {
                subscriptions.remove(address, connection);
                hub.routes().remove(address, connection);
                budget.give(identity, 1);
                connection.write(
                    FrameWriter.refusal(
                        FailureCode.INTERNAL,
                        "registration failed: " + ar.cause().getMessage(),
                        address));
              }
              if (registrationsInFlight == 0) {
                for (; pongsOwed > 0; pongsOwed--) {
                  connection.write(FrameWriter.pong());
                }
              }
            });
  }

  private void onUnregister(String address) throws FrameException {
    hub.policy().checkRegister(connection.who(), address);
    if (!registrations.remove(address)) {
      throw new FrameException(
          FailureCode.NOT_FOUND, "unknown_address " + address + " is not registered");
    }
    subscriptions.remove(address, connection);
    hub.routes().remove(address, connection);
    hub.registrationBudget().give(connection.identity(), 1);
  }

  /** The connection is gone: its registrations and their budget go too. */
  void close() {
    for (String address : registrations) {
      subscriptions.remove(address, connection);
      hub.routes().remove(address, connection);
    }
    hub.registrationBudget().give(connection.identity(), registrations.size());
    registrations.clear();
  }

  /**
   * Delivery options for what the peer sends: its headers by the one header rule, the caller
   * stamped as who logged in, the timeout clamped; every hub serves {@code hub.*}, and the one the
   * caller is connected to answers (never a hub elsewhere that was just killed or is frozen). On a
   * hub link, the caller identity the other hub stamped is kept ({@link Headers#fromHub}).
   */
  DeliveryOptions deliveryOptions(Frame frame) throws FrameException {
    if (connection.link) { // the identity the other hub stamped stays
      Headers.Inbound asked = Headers.fromHub(frame.headers());
      return new DeliveryOptions()
          .setHeaders(asked.headers())
          .setSendTimeout(limits.clampTimeout(asked.timeoutMs()));
    }
    Headers.Inbound asked = Headers.fromPeer(frame.headers());
    // The caller is who logged in, whatever the peer sent: set, never added beside a peer's value.
    MultiMap headers = asked.headers().set(Wire.HEADER_FROM, connection.identity());
    String address = frame.address();
    return new DeliveryOptions()
        .setHeaders(headers)
        .setSendTimeout(limits.clampTimeout(asked.timeoutMs()))
        .setLocalOnly(address != null && address.startsWith(Wire.HUB_PREFIX));
  }

  /**
   * The body to pass on to a bridge consumer, undecoded: binary data as a {@code Buffer}, JSON as
   * {@link RawJson} — the type, not a header, says which.
   */
  static Object passedOn(Frame frame) {
    if (frame.binary() != null) {
      return frame.binary();
    }
    return frame.hasBody() ? new RawJson(frame.rawBody()) : null;
  }

  /** The body as a value for Vert.x consumers. */
  static Object decodedBody(Frame frame) throws FrameException {
    Object body = frame.body();
    if (body instanceof BigInteger || body instanceof BigDecimal) {
      // No event-bus codec carries these between hubs; refuse them the same way on one hub.
      throw new FrameException(FailureCode.BAD_REQUEST, "body is a number out of range");
    }
    return body;
  }
}
