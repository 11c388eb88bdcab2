package io.dialback.hub.bridge;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;

/**
 * The transport one bridge connection runs over — a TCP socket, or a WebSocket carrying the same
 * frame bytes — as much of it as the connection core needs. The core never sees which.
 */
interface Peer {
  /** Receives the bytes that arrive (for the frame parser). */
  void handler(Handler<Buffer> handler);

  void closeHandler(Handler<Void> handler);

  void exceptionHandler(Handler<Throwable> handler);

  Future<Void> write(Buffer data);

  void pause();

  void resume();

  void close();

  /** {@code host:port} of the other end, for logs and audit. */
  String remote();

  /** The other end's address alone, which the per-address bounds count by. */
  String host();

  /** The CN of the peer's verified client certificate, or {@code null} without one. */
  String certifiedName();
}
