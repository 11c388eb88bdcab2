package io.dialback.hub.bridge;

import io.dialback.logging.LogSafe;
import io.dialback.wire.FailureCode;
import io.dialback.wire.FrameWriter;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
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

  private final EventBus bus;
  private final Map<String, Entry> entries = new HashMap<>();

  Subscriptions(EventBus bus) {
    this.bus = bus;
  }

  /** Adds {@code connection} to {@code address}; completes once the consumer is in place. */
  Future<Void> add(String address, BridgeConnection connection) {
    Entry entry = entries.computeIfAbsent(address, Entry::new);
    entry.members.add(connection);
    return entry.consumer.completion();
  }

  /** Removes {@code connection} from {@code address}; the last one out removes the consumer. */
  void remove(String address, BridgeConnection connection) {
    Entry entry = entries.get(address);
    if (entry != null && entry.members.remove(connection) && entry.members.isEmpty()) {
      entries.remove(address);
      entry.consumer.unregister();
    }
  }

  /** Addresses with a consumer on this loop. */
  int size() {
    return entries.size();
  }

  private final class Entry implements Handler<Message<Object>> {
    final String address;
    final List<BridgeConnection> members = new ArrayList<>(2);
    final MessageConsumer<Object> consumer;
    int next;

    Entry(String address) {
      this.address = address;
      this.consumer = bus.consumer(address, this);
    }

    @Override
    public void handle(Message<Object> message) {
      if (message.isSend()) {
        if (members.isEmpty()) {
          if (message.replyAddress() != null) {
            message.fail(
                FailureCode.UNAVAILABLE.code(),
                FailureCode.UNAVAILABLE.message("no connection serves " + address + " any more"));
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
