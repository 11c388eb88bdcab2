package io.dialback.hub.bridge;

import io.dialback.wire.FrameWriter;
import io.dialback.wire.Wire;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * What a stopping hub tells each of its connections ({@link BridgeContext#drain}), with {@link
 * Wire#HUB_GOAWAY}: a peer that moves goes to another hub, once its agent name may be taken over
 * there; the other hub of a hub link sends no more calls on it. Other peers are not told: they meet
 * the close.
 */
final class GoAway {
  private GoAway() {}

  /** Tells {@code connection}, if it is one to tell (may run on any thread). */
  static void tell(BridgeConnection connection) {
    connection.onLoop(
        () -> {
          if (connection.link && connection.state() == BridgeConnection.State.OPEN) {
            connection.write(FrameWriter.message(Wire.HUB_GOAWAY, null, null, true, null, true));
            return;
          }
          if (!connection.willMove()) {
            return;
          }
          BridgeContext hub = connection.hub;
          Future<Void> ready =
              connection.binding() == null
                  ? Future.succeededFuture()
                  : hub.registry().markMoving(connection.binding());
          ready.onComplete(
              ar ->
                  connection.write(
                      FrameWriter.message(
                          Wire.HUB_GOAWAY,
                          null,
                          null,
                          true,
                          new JsonObject()
                              .put(Wire.LOGIN_HUB, hub.hubName())
                              .put(Wire.GOAWAY_REASON, "the hub is stopping"))));
        });
  }
}
