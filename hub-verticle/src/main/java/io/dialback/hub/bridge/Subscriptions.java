package io.dialback.hub.bridge;

import io.dialback.hub.cluster.ClusterRoutes;
import io.dialback.link.NoHandlerRetry;
import io.dialback.logging.LogSafe;
import io.dialback.wire.FailureCode;
import io.dialback.wire.FrameWriter;
import io.dialback.wire.Wire;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.impl.MessageConsumerImpl;
import io.vertx.core.json.EncodeException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event-bus consumers of one event loop's bridge connections: one consumer per address however
 * many of the loop's connections registered it. A message sent to the address goes to one of them
 * in turn; a published one is encoded into a frame once, and the same bytes go to every subscriber
 * — never a copy of the body per subscriber.
 *
 * <p>Used only from its event loop, like the connections it serves.
 */
final class Subscriptions {
  private static final Logger log = LoggerFactory.getLogger(Subscriptions.class);

  /** How long a retired consumer stays, relaying, after the cluster stopped routing to it. */
  static final long RETIRE_MS = 2_000;

  /** How many times a request may be relayed before the caller hears no one serves it. */
  private static final int MAX_RELAYS = 3;

  /** How long a request relayed from a consumer whose connections left may take. */
  private static final long RELAY_TIMEOUT_MS = 10_000;

  private final BridgeContext hub;
  private final Vertx vertx;
  private final EventBus bus;
  private final Map<String, Entry> entries = new HashMap<>();

  Subscriptions(BridgeContext hub) {
    this.hub = hub;
    this.vertx = hub.vertx();
    this.bus = vertx.eventBus();
  }

  /** Adds {@code connection} to {@code address}; completes once the consumer is in place. */
  Future<Void> add(String address, BridgeConnection connection) {
    Entry entry = entries.computeIfAbsent(address, Entry::new);
    entry.members.add(connection);
    return entry.consumer.completion();
  }

  /**
   * Removes {@code connection} from {@code address}; the last one out retires the consumer: the
   * cluster stops routing the address here at once, and the consumer, which relays what still
   * arrives, is unregistered {@link #RETIRE_MS} later ({@link ClusterRoutes}).
   */
  void remove(String address, BridgeConnection connection) {
    Entry entry = entries.get(address);
    if (entry != null && entry.members.remove(connection) && entry.members.isEmpty()) {
      entries.remove(address);
      if (entry.route == null) {
        entry.consumer.unregister();
      } else {
        hub.clusterRoutes().withdraw(address, entry.route);
        vertx.setTimer(RETIRE_MS, t -> entry.consumer.unregister());
      }
    }
  }

  /** Addresses with a consumer on this loop. */
  int size() {
    return entries.size();
  }

  /**
   * A request that reached this loop's consumer just as its last connection left (an agent moving
   * to another hub, say), or was still queued for the consumer when it was removed (which Vert.x
   * would drop): it is sent on to wherever the address is served now, and the answer comes back
   * through here; with no one serving it, the caller hears so. A draining hub waits for it.
   */
  private void relay(Message<Object> message) {
    if (message.replyAddress() == null || !message.isSend()) {
      return;
    }
    int relays = relaysOf(message);
    if (relays >= MAX_RELAYS) {
      message.fail(
          FailureCode.UNAVAILABLE.code(),
          FailureCode.UNAVAILABLE.message(
              "no connection serves " + message.address() + " any more"));
      return;
    }
    hub.requestStarted();
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(message.headers());
    headers.set(Wire.HEADER_RELAYS, Integer.toString(relays + 1)); // never shown to peers
    DeliveryOptions options =
        new DeliveryOptions().setHeaders(headers).setSendTimeout(RELAY_TIMEOUT_MS);
    NoHandlerRetry.send(
            vertx,
            RELAY_TIMEOUT_MS,
            timeout ->
                bus.request(
                    message.address(),
                    message.body(),
                    new DeliveryOptions(options).setSendTimeout(timeout)))
        .onComplete(
            ar -> {
              hub.requestDone();
              if (ar.succeeded()) {
                message.reply(
                    ar.result().body(), new DeliveryOptions().setHeaders(ar.result().headers()));
              } else if (ar.cause() instanceof ReplyException e && !NoHandlerRetry.noHandlers(e)) {
                message.fail(e.failureCode(), e.getMessage());
              } else {
                message.fail(
                    FailureCode.UNAVAILABLE.code(),
                    FailureCode.UNAVAILABLE.message(
                        "no connection serves " + message.address() + " any more"));
              }
            });
  }

  private static int relaysOf(Message<Object> message) {
    String relays = message.headers().get(Wire.HEADER_RELAYS);
    try {
      return relays == null ? 0 : Integer.parseInt(relays);
    } catch (NumberFormatException e) {
      return MAX_RELAYS;
    }
  }

  private final class Entry implements Handler<Message<Object>> {
    final String address;
    final List<BridgeConnection> members = new ArrayList<>(2);
    final MessageConsumer<Object> consumer;

    /** What withdraws the consumer from the cluster's routing; null when not clustered. */
    final Object route;

    int next;

    Entry(String address) {
      this.address = address;
      MessageConsumer<Object>[] made = new MessageConsumer[1];
      this.route = hub.clusterRoutes().capture(() -> made[0] = bus.consumer(address, this));
      this.consumer = made[0];
      if (consumer instanceof MessageConsumerImpl<Object> impl) {
        // Vert.x 5.0.8 drops what is queued for a consumer being removed, answering TIMEOUT
        // (FIELD-NOTES): such a request goes on to where the address is served now instead.
        impl.discardHandler(Subscriptions.this::relay);
      }
    }

    @Override
    public void handle(Message<Object> message) {
      if (message.isSend()) {
        if (members.isEmpty()) {
          Entry current = entries.get(address);
          if (current != null && current != this) {
            current.handle(message); // retired, and registered again on this loop meanwhile
          } else {
            relay(message);
          }
          return;
        }
        next = (next + 1) % members.size();
        members.get(next).deliveries.deliver(message);
        return;
      }
      Published frame = new Published(message);
      for (BridgeConnection member : members.toArray(new BridgeConnection[0])) {
        member.deliveries.deliverPublished(frame);
      }
    }
  }

  /**
   * A published message as frame bytes, encoded at most once per form: binary data as a binary
   * frame for peers that asked for them, everything else as JSON.
   */
  static final class Published {
    private final Message<Object> message;
    private Buffer json;
    private Buffer binary;
    private boolean failed;

    Published(Message<Object> message) {
      this.message = message;
    }

    /** The frame for a peer ({@code binaryPeer}: it negotiated binary frames); null if none. */
    Buffer frame(boolean binaryPeer) {
      boolean asBinary = binaryPeer && message.body() instanceof Buffer;
      if (asBinary ? binary == null : json == null && !failed) {
        try {
          Buffer frame =
              FrameWriter.message(
                  message.address(), null, message.headers(), false, message.body(), asBinary);
          if (asBinary) {
            binary = frame;
          } else {
            json = frame;
          }
        } catch (EncodeException | IllegalStateException e) {
          failed = true;
          log.warn(
              "dropped a message published on {}: a body of type {} cannot be written as JSON",
              LogSafe.text(message.address()),
              message.body().getClass().getName());
        }
      }
      return asBinary ? binary : json;
    }
  }
}
