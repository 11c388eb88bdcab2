package io.dialback.link;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.net.NetSocket;

/**
 * The bytes one bridge connection runs over, on either side — a TCP socket, a WebSocket whose
 * binary messages carry the frames, or an in-process pipe — as much of it as the connection core
 * needs. Frame parsing, the outbox and everything above never see which.
 *
 * <p>What {@link #write} is given is always whole frames (one, or several gathered by an {@link
 * Outbox}); what {@link #handler} receives is the peer's byte stream in pieces of any size.
 */
public interface ByteSocket {
  /** Receives the bytes that arrive, in order (for a frame parser). */
  void handler(Handler<Buffer> handler);

  /** Told once, when the connection has ended (whichever side ended it). */
  void closeHandler(Handler<Void> handler);

  void exceptionHandler(Handler<Throwable> handler);

  /** Writes whole frames; completes when they are handed to the operating system. */
  Future<Void> write(Buffer frames);

  /** Stops reading from the peer (its writes back up on its side). */
  void pause();

  void resume();

  void close();

  /** A TCP socket: its bytes are the frames. */
  static ByteSocket of(NetSocket socket) {
    return new NetByteSocket(socket);
  }

  /**
   * A WebSocket: each write goes out as one binary message holding whole frames, the bytes TCP
   * would carry; what comes in is read as one byte stream of the binary messages' data; a text
   * message ends the connection (status 1003).
   */
  static ByteSocket of(WebSocketBase webSocket) {
    return new WebSocketByteSocket(webSocket);
  }
}
