package io.dialback.hub.bridge;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import java.util.Objects;

/**
 * One event loop's share of the bridge port. The hub deploys one instance per event loop; Vert.x
 * spreads accepted connections across them.
 */
public final class BridgeVerticle extends VerticleBase {
  private final BridgeContext hub;
  private final NetServerOptions options;
  private NetServer server;
  private NetServer linkServer;

  /**
   * @param options host, port and TLS of the bridge port; port 0 is turned into a random port that
   *     all instances share
   */
  public BridgeVerticle(BridgeContext hub, NetServerOptions options) {
    this.hub = Objects.requireNonNull(hub, "hub == null");
    this.options = new NetServerOptions(Objects.requireNonNull(options, "options == null"));
    if (this.options.getPort() == 0) {
      // Vert.x shares a random port among servers that all listen on the same negative port.
      this.options.setPort(-1);
    }
  }

  @Override
  public Future<?> start() {
    server = vertx.createNetServer(options);
    Subscriptions subscriptions = new Subscriptions(hub);
    server.connectHandler(
        socket ->
            new BridgeConnection(
                    hub,
                    subscriptions,
                    new CountingPeer(new NetPeer(socket), hub.metrics()),
                    context)
                .start());
    HubLinks links = hub.links();
    Future<NetServer> linked =
        links == null
            ? Future.succeededFuture()
            : links.listen(vertx, context).onSuccess(s -> linkServer = s);
    return linked.compose(v -> listen());
  }

  private Future<NetServer> listen() {
    return server
        .listen()
        .onSuccess(s -> hub.boundPort(s.actualPort()))
        .recover(
            e ->
                Future.failedFuture(
                    new IllegalStateException(
                        "cannot listen on "
                            + options.getHost()
                            + ":"
                            + Math.max(0, options.getPort())
                            + ": "
                            + e.getMessage(),
                        e)));
  }

  /** Lets the requests in flight finish (shared drain), then closes the port's connections. */
  @Override
  public Future<?> stop() {
    if (server == null) {
      return Future.succeededFuture();
    }
    return hub.drain()
        .compose(v -> server.close())
        .compose(v -> linkServer == null ? Future.succeededFuture() : linkServer.close())
        .compose(v -> hub.links() == null ? Future.succeededFuture() : hub.links().close());
  }
}
