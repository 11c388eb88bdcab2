package io.dialback.client;

import io.dialback.wire.Frame;
import io.dialback.wire.FrameException;
import io.dialback.wire.FrameParser;
import io.dialback.wire.FrameType;
import io.dialback.wire.FrameWriter;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;

/**
 * A hub that follows a script, built on the production codec ({@link FrameParser}, {@link Frame},
 * {@link FrameWriter}): by default it answers logins and pings and keeps every frame it reads; a
 * test adds what else it does, frame by frame. For testing the client against exactly the hub
 * behaviour a case needs — a refusal, silence, a drop, a hub that stops reading.
 */
final class ScriptedHub implements AutoCloseable {
  /** One connection to the scripted hub. */
  final class Conn {
    final NetSocket socket;
    final List<Frame> frames = new CopyOnWriteArrayList<>();

    Conn(NetSocket socket) {
      this.socket = socket;
    }

    void write(Buffer frame) {
      socket.write(frame);
    }

    /** A message to the client, e.g. a delivery to one of its consumers. */
    void message(String address, String replyAddress, Object body) {
      write(FrameWriter.message(address, replyAddress, null, true, body));
    }

    void close() {
      socket.close();
    }
  }

  private final Vertx vertx = Vertx.vertx();
  private final NetServer server;
  final List<Conn> connections = new CopyOnWriteArrayList<>();

  /** Frames the script handles itself (true: handled); the rest get the default answer. */
  volatile BiPredicate<Conn, Frame> script = (c, f) -> false;

  /** The failure code the hub answers a login with, or 0 for a welcome. */
  volatile int loginRefusal;

  /** What the login reply says of the requests a connection may have waiting; 0: nothing. */
  volatile int maxPendingRequests;

  volatile boolean answerPings = true;

  ScriptedHub() throws Exception {
    server = vertx.createNetServer(new NetServerOptions().setHost("127.0.0.1").setPort(0));
    server.connectHandler(this::accept);
    server.listen().await(10, TimeUnit.SECONDS);
  }

  int port() {
    return server.actualPort();
  }

  private void accept(NetSocket socket) {
    Conn conn = new Conn(socket);
    connections.add(conn);
    socket.handler(
        new FrameParser(
            16 * 1024 * 1024,
            new FrameParser.Listener() {
              @Override
              public void onFrame(Buffer payload) {
                try {
                  Frame frame = Frame.read(payload, true);
                  conn.frames.add(frame);
                  if (!script.test(conn, frame)) {
                    answer(conn, frame);
                  }
                } catch (FrameException e) {
                  conn.write(FrameWriter.refusal(e.code(), e.detail(), null));
                }
              }

              @Override
              public void onOversize(long declaredLength, int maxFrameBytes) {
                socket.close();
              }
            }));
  }

  private void answer(Conn conn, Frame frame) {
    if (frame.type() == FrameType.PING && answerPings) {
      conn.write(FrameWriter.pong());
    } else if (frame.type() == FrameType.SEND && "hub.login".equals(frame.address())) {
      if (loginRefusal != 0) {
        conn.write(
            FrameWriter.replyError(
                frame.replyAddress(),
                "hub.login",
                ReplyFailure.RECIPIENT_FAILURE,
                loginRefusal,
                "not_logged_in: unknown token"));
        conn.close();
        return;
      }
      JsonObject reply =
          new JsonObject()
              .put("identity", "scripted")
              .put("role", "client")
              .put("hub", "scripted:" + port())
              .put("binary", false);
      if (maxPendingRequests > 0) {
        reply.put("maxPendingRequests", maxPendingRequests);
      }
      conn.write(FrameWriter.message(frame.replyAddress(), null, null, true, reply));
    }
  }

  /** The frames of {@code type} connection {@code index} sent so far. */
  List<Frame> frames(int index, FrameType type) {
    return connections.get(index).frames.stream().filter(f -> f.type() == type).toList();
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }
}
