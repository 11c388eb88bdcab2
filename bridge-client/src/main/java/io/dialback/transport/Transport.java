package io.dialback.transport;

import io.dialback.client.BridgeClient;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * How the typed API reaches agents: over a bridge connection to a hub ({@link #bridge}), or on a
 * Vert.x event bus that the hubs are part of — a clustered member's, or a hub's own ({@link
 * #eventBus}). Everything above it is the same code.
 */
public interface Transport {
  /** Over a bridge client (connected, or about to be). */
  static Transport bridge(BridgeClient client) {
    return new BridgeTransport(client);
  }

  /**
   * On {@code vertx}'s event bus, as {@code identity} (stamped as {@code dialback.from} on
   * requests, which agents log beside writes). For a Vert.x that joined the hubs' cluster or runs a
   * hub.
   */
  static Transport eventBus(Vertx vertx, String identity) {
    return new EventBusTransport(vertx, identity);
  }

  Vertx vertx();

  /** Whether binary data travels as raw bytes ({@code fs.read} with {@code binary: true}). */
  boolean binary();

  /** Whether requests can go out now. */
  boolean ready();

  /** Whether this transport is closed for good (no later {@link #ready()} to wait for). */
  boolean closed();

  /** A request-reply; fails with the Vert.x {@code ReplyException} of the failure. */
  Future<Reply> request(String address, JsonObject body, Duration timeout);

  /** Listens on {@code address} (published events) until the subscription is cancelled. */
  Future<Subscription> subscribe(String address, Handler<JsonObject> handler);
}
