package io.dialback.link;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketBase;

/**
 * A bridge connection's bytes over a WebSocket. Out: every frame is one binary message (a batch of
 * frames from the outbox is cut at the frames' length prefixes), so a peer that reads messages gets
 * exactly one frame from each. In: the data of binary messages (and of their continuation frames)
 * is passed on as a byte stream, as TCP would deliver it, so the same frame parser, with the same
 * bounds, reads both; message boundaries mean nothing to it. A text message is not part of the
 * protocol and ends the connection.
 */
final class WebSocketByteSocket implements ByteSocket {
  /** The WebSocket close status for data of a type the endpoint does not accept. */
  static final short UNSUPPORTED_DATA = 1003;

  private static final int PREFIX = 4;

  private final WebSocketBase webSocket;
  private boolean inText;

  WebSocketByteSocket(WebSocketBase webSocket) {
    this.webSocket = webSocket;
  }

  @Override
  public void handler(Handler<Buffer> handler) {
    webSocket.frameHandler(
        frame -> {
          if (frame.isText() || (frame.isContinuation() && inText)) {
            inText = !frame.isFinal();
            webSocket.close(UNSUPPORTED_DATA, "the bridge takes binary messages only");
          } else if (frame.isBinary() || frame.isContinuation()) {
            Buffer data = frame.binaryData();
            if (data.length() > 0) {
              handler.handle(data);
            }
          }
        });
  }

  @Override
  public void closeHandler(Handler<Void> handler) {
    webSocket.closeHandler(handler);
  }

  @Override
  public void exceptionHandler(Handler<Throwable> handler) {
    webSocket.exceptionHandler(handler);
  }

  @Override
  public Future<Void> write(Buffer frames) {
    int length = frames.length();
    int at = 0;
    Future<Void> last = null;
    while (at < length) {
      int end = length - at >= PREFIX ? at + PREFIX + frames.getInt(at) : length;
      if (end <= at || end > length) {
        end = length; // not whole frames after all: send the rest as it is
      }
      Buffer message = at == 0 && end == length ? frames : frames.slice(at, end);
      last = webSocket.writeBinaryMessage(message);
      at = end;
    }
    return last == null ? Future.succeededFuture() : last;
  }

  @Override
  public void pause() {
    webSocket.pause();
  }

  @Override
  public void resume() {
    webSocket.resume();
  }

  @Override
  public void close() {
    webSocket.close();
  }
}
