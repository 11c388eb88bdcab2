package io.dialback.client;

import io.dialback.logging.LogSafe;
import io.dialback.wire.Wire;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a client to another hub of its list when its hub says it is stopping ({@code hub.goaway}):
 * it logs in there and registers its consumers while the old connection still serves, then new
 * calls take the new connection and the old one is let go once nothing is in flight on it. If no
 * other hub takes it, the old connection is let go the same way and the client reconnects as after
 * any drop.
 *
 * <p>Used only from the client's context.
 */
final class Mover {
  private static final Logger log = LoggerFactory.getLogger(Mover.class);

  /** The longest an old connection is kept for what is in flight on it. */
  private static final long DRAIN_MS = 10_000;

  private final BridgeClient client;
  private final Reconnector reconnector;
  private final ClientOptions options;
  private final Consumers consumers;
  private Link from;

  Mover(BridgeClient client, Reconnector reconnector, ClientOptions options, Consumers consumers) {
    this.client = client;
    this.reconnector = reconnector;
    this.options = options;
    this.consumers = consumers;
  }

  /** {@code old}'s hub asked it to move. */
  void move(Link old, String reason) {
    if (from == old) {
      return; // already on the way
    }
    from = old;
    log.info("{}: hub {} asks to move: {}", who(), old.hub(), LogSafe.text(reason));
    reconnector.dialOther(
        old.hub(),
        (socket, hub) -> {
          Link next = client.newLink(socket, hub);
          Handshake.run(next, options, consumers)
              .onSuccess(login -> arrived(old, next, login))
              .onFailure(
                  e -> {
                    log.warn(
                        "{}: moving to {} failed: {}", who(), hub, LogSafe.text(e.getMessage()));
                    next.close();
                    leave(old);
                  });
        },
        why -> {
          log.warn("{}: cannot move ({}); leaving {} and reconnecting", who(), why, old.hub());
          leave(old);
        });
  }

  /** Who moves, for the log: the agent's name, or that it is a client. */
  private String who() {
    return options.name() == null ? "client" : options.name();
  }

  /** No move: the old connection ends once idle, and the client reconnects as after any drop. */
  private void leave(Link old) {
    from = null;
    old.closeWhenIdle(DRAIN_MS);
  }

  private void arrived(Link old, Link next, LoginReply login) {
    from = null;
    if (!client.swap(old, next, login)) {
      next.close(); // the old connection ended meanwhile, and the client reconnected by itself
      return;
    }
    log.info("{}: moved from {} to {}", who(), old.hub(), next.hub());
    // Nothing new is delivered on the old connection once the hub has read the unregistrations
    // (its pong says so); what is in flight there finishes, then it closes.
    for (Consumers.Entry e : consumers.all()) {
      old.subscription(Wire.UNREGISTER, e.address);
    }
    old.ping().onComplete(v -> old.closeWhenIdle(DRAIN_MS));
  }
}
