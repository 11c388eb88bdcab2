package io.dialback.link;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;

/** A bridge connection's bytes over a TCP socket (with TLS when it has it): nothing to adapt. */
final class NetByteSocket implements ByteSocket {
  private final NetSocket socket;

  NetByteSocket(NetSocket socket) {
    this.socket = socket;
  }

  @Override
  public void handler(Handler<Buffer> handler) {
    socket.handler(handler);
  }

  @Override
  public void closeHandler(Handler<Void> handler) {
    socket.closeHandler(handler);
  }

  @Override
  public void exceptionHandler(Handler<Throwable> handler) {
    socket.exceptionHandler(handler);
  }

  @Override
  public Future<Void> write(Buffer frames) {
    return socket.write(frames);
  }

  @Override
  public void pause() {
    socket.pause();
  }

  @Override
  public void resume() {
    socket.resume();
  }

  @Override
  public void close() {
    socket.close();
  }
}
