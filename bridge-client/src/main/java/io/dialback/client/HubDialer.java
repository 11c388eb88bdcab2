package io.dialback.client;

import io.dialback.conf.HubAddress;
import io.dialback.link.ByteSocket;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.ProxyOptions;

/**
 * The default {@link Dialer}: {@code host:port} over a {@link NetClient}, {@code ws://} and {@code
 * wss://} over a {@link WebSocketClient}, each through the client's proxy unless the hub is on its
 * no-proxy list. TLS settings (trust, pin, client certificate) serve both transports. Clients are
 * made when first needed and kept (an unreferenced {@code NetClient} is closed after GC).
 */
final class HubDialer implements Dialer {
  /** WebSocket frames out are at most this large (the hub reads no larger ones whole). */
  static final int WEBSOCKET_FRAME_BYTES = 64 * 1024;

  private final Vertx vertx;
  private final NetClientOptions net;
  private final ProxySettings proxy;
  private NetClient direct;
  private NetClient proxied;
  private WebSocketClient webSockets;

  HubDialer(Vertx vertx, NetClientOptions net, ProxySettings proxy) {
    this.vertx = vertx;
    this.net = new NetClientOptions(net);
    if (this.net.isSsl() && this.net.getHostnameVerificationAlgorithm() == null) {
      // Verify the hub's certificate against its host name unless told otherwise ("" disables).
      this.net.setHostnameVerificationAlgorithm("HTTPS");
    }
    this.proxy = proxy;
  }

  @Override
  public Future<ByteSocket> dial(HubAddress hub) {
    ProxyOptions via = proxy.proxyFor(hub.host(), hub.port());
    if (!hub.webSocket()) {
      return netClient(via).connect(hub.port(), hub.host()).map(ByteSocket::of);
    }
    WebSocketConnectOptions connect =
        new WebSocketConnectOptions()
            .setHost(hub.host())
            .setPort(hub.port())
            .setURI(hub.path())
            .setSsl(hub.scheme() == HubAddress.Scheme.WSS)
            .setAllowOriginHeader(false) // not a browser: no Origin to check
            .setConnectTimeout(net.getConnectTimeout());
    if (via != null) {
      connect.setProxyOptions(via);
    }
    return webSocketClient().connect(connect).map(ByteSocket::of);
  }

  private NetClient netClient(ProxyOptions via) {
    if (via == null) {
      if (direct == null) {
        direct = vertx.createNetClient(net);
      }
      return direct;
    }
    if (proxied == null) {
      proxied = vertx.createNetClient(new NetClientOptions(net).setProxyOptions(via));
    }
    return proxied;
  }

  private WebSocketClient webSocketClient() {
    if (webSockets == null) {
      WebSocketClientOptions options =
          new WebSocketClientOptions()
              .setConnectTimeout(net.getConnectTimeout())
              .setTcpNoDelay(true)
              .setMaxFrameSize(WEBSOCKET_FRAME_BYTES)
              .setClosingTimeout(2)
              .setKeyCertOptions(net.getKeyCertOptions())
              .setTrustOptions(net.getTrustOptions())
              .setVerifyHost(!"".equals(net.getHostnameVerificationAlgorithm()));
      webSockets = vertx.createWebSocketClient(options);
    }
    return webSockets;
  }

  @Override
  public void close() {
    if (direct != null) {
      direct.close();
    }
    if (proxied != null) {
      proxied.close();
    }
    if (webSockets != null) {
      webSockets.close();
    }
  }
}
