package io.dialback.hub.bridge;

import io.dialback.link.ByteSocket;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;

/**
 * The hub's end of an in-process pipe: a bridge connection made inside the hub on behalf of a
 * caller who came another way (an HTTP download), counted and audited as coming from that caller's
 * address.
 */
final class PipePeer implements Peer {
  private final ByteSocket end;
  private final String remote;
  private final String host;

  PipePeer(ByteSocket end, String remote, String host) {
    this.end = end;
    this.remote = remote;
    this.host = host;
  }

  @Override
  public void handler(Handler<Buffer> handler) {
    end.handler(handler);
  }

  @Override
  public void closeHandler(Handler<Void> handler) {
    end.closeHandler(handler);
  }

  @Override
  public void exceptionHandler(Handler<Throwable> handler) {
    end.exceptionHandler(handler);
  }

  @Override
  public Future<Void> write(Buffer frames) {
    return end.write(frames);
  }

  @Override
  public void pause() {
    end.pause();
  }

  @Override
  public void resume() {
    end.resume();
  }

  @Override
  public void close() {
    end.close();
  }

  @Override
  public String remote() {
    return remote;
  }

  @Override
  public String host() {
    return host;
  }

  @Override
  public String certifiedName() {
    return null;
  }
}
