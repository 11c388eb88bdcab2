package io.dialback.client;

import io.dialback.logging.LogSafe;
import io.dialback.wire.FailureCode;
import io.dialback.wire.Frame;
import io.dialback.wire.Wire;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.ReplyException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client's consumers: kept across connections and registered again on each (register frames, then
 * a ping whose pong says they are in place); a message for one is handed to its handler, and a
 * refusal of its registration fails it. Used only from the client's context.
 */
final class Consumers {
  private static final Logger log = LoggerFactory.getLogger(Consumers.class);

  private final Map<String, Entry> entries = new LinkedHashMap<>();
  private final Function<Entry, Future<Void>> unregister;

  /** One consumer, as its owner sees it. */
  final class Entry implements Registration {
    final String address;
    final Handler<BridgeMessage> handler;
    final Promise<Registration> registered = Promise.promise();

    Entry(String address, Handler<BridgeMessage> handler) {
      this.address = address;
      this.handler = handler;
    }

    @Override
    public String address() {
      return address;
    }

    @Override
    public Future<Void> unregister() {
      return unregister.apply(this);
    }
  }

  /**
   * @param unregister runs an entry's {@link Registration#unregister()} (on the client's context)
   */
  Consumers(Function<Entry, Future<Void>> unregister) {
    this.unregister = unregister;
  }

  /** A new consumer of {@code address}; null when there is one already. */
  Entry add(String address, Handler<BridgeMessage> handler) {
    if (entries.containsKey(address)) {
      return null;
    }
    Entry entry = new Entry(address, handler);
    entries.put(address, entry);
    return entry;
  }

  /**
   * Takes {@code entry} out, and off the hub on {@code link} (null when not connected: the next
   * login just leaves it out).
   */
  Future<Void> unregister(Entry entry, Link link) {
    if (!entries.remove(entry.address, entry) || link == null) {
      return Future.succeededFuture();
    }
    link.subscription(Wire.UNREGISTER, entry.address);
    return link.ping();
  }

  List<Entry> all() {
    return new ArrayList<>(entries.values());
  }

  /** Writes register frames on {@code link}, then a ping; completes the entries on the pong. */
  Future<Void> register(Link link, List<Entry> toRegister) {
    for (Entry e : toRegister) {
      link.subscription(Wire.REGISTER, e.address);
    }
    return link.ping()
        .onSuccess(
            v -> {
              for (Entry e : toRegister) {
                // A refusal arrives as an err before the pong and has removed the entry.
                if (entries.get(e.address) == e) {
                  e.registered.tryComplete(e);
                }
              }
            });
  }

  /** Hands {@code message} to its consumer's handler; a handler that throws fails the request. */
  void dispatch(BridgeMessage message) {
    Entry entry = entries.get(message.address());
    if (entry == null) {
      log.debug("no consumer for a message on {}", LogSafe.text(message.address()));
      return;
    }
    message.track();
    try {
      entry.handler.handle(message);
    } catch (RuntimeException e) {
      log.warn("consumer of {} failed", LogSafe.text(message.address()), e);
      if (message.replyAddress() != null) {
        message.fail(FailureCode.INTERNAL.code(), FailureCode.INTERNAL.message(String.valueOf(e)));
      }
    }
  }

  /** An err for {@code address}: true if it refused a registration (the consumer is dropped). */
  boolean refused(String address, Frame frame) {
    Entry entry = address == null ? null : entries.remove(address);
    if (entry == null) {
      return false;
    }
    ReplyException e = HubErrors.toException(frame);
    log.warn(
        "hub refused the consumer of {}: {}", LogSafe.text(address), LogSafe.text(e.getMessage()));
    entry.registered.tryFail(e);
    return true;
  }

  /** The client closed: every registration still pending fails with {@code cause}. */
  void failAll(Throwable cause) {
    for (Entry e : entries.values()) {
      e.registered.tryFail(cause);
    }
  }
}
