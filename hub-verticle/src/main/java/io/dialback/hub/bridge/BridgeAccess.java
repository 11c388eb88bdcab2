package io.dialback.hub.bridge;

import io.dialback.link.ByteSocket;
import io.dialback.link.Pipe;
import io.vertx.core.Context;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.SocketAddress;
import java.util.Objects;

/**
 * The ways into one event loop's bridge core other than the bridge port: a WebSocket, and an
 * in-process connection. Whatever comes in here becomes a {@link BridgeConnection} like any other —
 * the same login, policy, bounds and audit; only the {@link Peer} differs.
 *
 * <p>One per event loop (per instance of the verticle that serves the {@code http} port); used only
 * from that loop.
 */
public final class BridgeAccess {
  private final BridgeContext hub;
  private final Context context;
  private final Subscriptions subscriptions;

  /** For the event loop of {@code context}. */
  public BridgeAccess(BridgeContext hub, Context context) {
    this.hub = Objects.requireNonNull(hub, "hub == null");
    this.context = Objects.requireNonNull(context, "context == null");
    this.subscriptions = new Subscriptions(hub);
  }

  /** Serves the bridge protocol over an accepted WebSocket. */
  public void webSocket(ServerWebSocket webSocket) {
    new BridgeConnection(hub, subscriptions, new WebSocketPeer(webSocket), context).start();
  }

  /**
   * Opens a bridge connection inside the hub and returns the caller's end of it, which a bridge
   * client speaks frames over (it must log in like any other). Bounds and audit count it as coming
   * from {@code from}; logs name it {@code <from>/<via>}.
   */
  public ByteSocket inProcess(SocketAddress from, String via) {
    Pipe pipe = Pipe.on(context);
    String host = from == null ? "?" : from.host();
    String remote = from + "/" + via;
    new BridgeConnection(hub, subscriptions, new PipePeer(pipe.a(), remote, host), context).start();
    return pipe.b();
  }
}
