package io.dialback.hub.bridge;

import io.dialback.link.ByteSocket;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;

/**
 * A bridge connection over a WebSocket on the hub's {@code http} port: the same frame bytes, one
 * frame per binary message out, the binary messages' bytes read as one stream in (see {@link
 * ByteSocket#of(io.vertx.core.http.WebSocketBase)}).
 */
final class WebSocketPeer implements Peer {
  private final ServerWebSocket webSocket;
  private final ByteSocket bytes;

  WebSocketPeer(ServerWebSocket webSocket) {
    this.webSocket = webSocket;
    this.bytes = ByteSocket.of(webSocket);
  }

  @Override
  public void handler(Handler<Buffer> handler) {
    bytes.handler(handler);
  }

  @Override
  public void closeHandler(Handler<Void> handler) {
    bytes.closeHandler(handler);
  }

  @Override
  public void exceptionHandler(Handler<Throwable> handler) {
    bytes.exceptionHandler(handler);
  }

  @Override
  public Future<Void> write(Buffer frames) {
    return bytes.write(frames);
  }

  @Override
  public void pause() {
    bytes.pause();
  }

  @Override
  public void resume() {
    bytes.resume();
  }

  @Override
  public void close() {
    bytes.close();
  }

  @Override
  public String remote() {
    return webSocket.remoteAddress() + "/ws";
  }

  @Override
  public String host() {
    return webSocket.remoteAddress() == null ? "?" : webSocket.remoteAddress().host();
  }

  @Override
  public String certifiedName() {
    return webSocket.isSsl() ? NetPeer.certifiedName(webSocket.sslSession()) : null;
  }
}
