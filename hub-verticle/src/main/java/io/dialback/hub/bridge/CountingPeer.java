package io.dialback.hub.bridge;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;

/**
 * A {@link Peer} that counts the bytes crossing it, for the connection (shown by the admin API) and
 * for the hub's metrics, and remembers when the connection opened. It wraps any transport.
 */
final class CountingPeer implements Peer {
  private final Peer peer;
  private final BridgeMetrics metrics;
  private final long openedAt = System.currentTimeMillis();
  private long bytesIn; // written on the connection's loop only; read racily for views
  private long bytesOut;

  CountingPeer(Peer peer, BridgeMetrics metrics) {
    this.peer = peer;
    this.metrics = metrics;
  }

  /** Epoch milliseconds when the connection was accepted. */
  long openedAt() {
    return openedAt;
  }

  long bytesIn() {
    return bytesIn;
  }

  long bytesOut() {
    return bytesOut;
  }

  @Override
  public void handler(Handler<Buffer> handler) {
    peer.handler(
        data -> {
          int n = data.length();
          bytesIn += n;
          metrics.bytesIn(n);
          handler.handle(data);
        });
  }

  @Override
  public void closeHandler(Handler<Void> handler) {
    peer.closeHandler(handler);
  }

  @Override
  public void exceptionHandler(Handler<Throwable> handler) {
    peer.exceptionHandler(handler);
  }

  @Override
  public Future<Void> write(Buffer data) {
    int n = data.length();
    bytesOut += n;
    metrics.bytesOut(n);
    return peer.write(data);
  }

  @Override
  public void pause() {
    peer.pause();
  }

  @Override
  public void resume() {
    peer.resume();
  }

  @Override
  public void close() {
    peer.close();
  }

  @Override
  public String remote() {
    return peer.remote();
  }

  @Override
  public String host() {
    return peer.host();
  }

  @Override
  public String certifiedName() {
    return peer.certifiedName();
  }
}
