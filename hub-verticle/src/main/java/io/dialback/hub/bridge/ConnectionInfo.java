package io.dialback.hub.bridge;

import io.dialback.hub.gate.Login;
import io.vertx.core.json.JsonObject;

/**
 * One connection of this hub as the admin API shows it, a snapshot taken from another thread (the
 * figures may be a moment old).
 *
 * @param role {@code agent}, {@code client}, {@code hub} for a hub link ({@link HubLinks}), or
 *     {@code login} while it has not logged in
 * @param agent the agent name it bound, or null
 * @param since epoch milliseconds when the connection was accepted
 * @param pending its requests waiting for answers
 * @param queuedBytes bytes waiting to be written to it
 * @param delivered requests delivered to it that waited for its answer (calls it served)
 */
public record ConnectionInfo(
    String id,
    String identity,
    String role,
    String agent,
    String remote,
    long since,
    int pending,
    long queuedBytes,
    long delivered,
    long bytesIn,
    long bytesOut) {

  static ConnectionInfo of(BridgeConnection c) {
    Login who = c.who();
    CountingPeer counted = c.peer instanceof CountingPeer p ? p : null;
    return new ConnectionInfo(
        c.id,
        who == null ? null : who.identity(),
        who == null ? "login" : c.link ? "hub" : who.role().wireName(),
        who == null ? null : who.name(),
        c.peer.remote(),
        counted == null ? 0 : counted.openedAt(),
        c.requests.pending(),
        c.meter.held(),
        c.deliveries.delivered(),
        counted == null ? 0 : counted.bytesIn(),
        counted == null ? 0 : counted.bytesOut());
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("identity", identity)
        .put("role", role)
        .put("agent", agent)
        .put("remote", remote)
        .put("since", since)
        .put("pending", pending)
        .put("queuedBytes", queuedBytes)
        .put("calls", delivered)
        .put("bytesIn", bytesIn)
        .put("bytesOut", bytesOut);
  }
}
