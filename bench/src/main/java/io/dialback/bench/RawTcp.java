package io.dialback.bench;

import io.dialback.wire.FrameParser;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * The limit on this machine: a ping-pong over plain Vert.x TCP with the bridge's framing (4-byte
 * length, then the bytes), and a plain file copy over one TCP connection.
 */
final class RawTcp implements AutoCloseable {
  private final NetServer server;
  private final NetClient netClient;
  private final NetSocket socket;
  private final ArrayDeque<Promise<Buffer>> waiting = new ArrayDeque<>();

  private RawTcp(NetServer server, NetClient netClient, NetSocket socket) {
    this.server = server;
    this.netClient = netClient;
    this.socket = socket;
    FrameParser parser =
        new FrameParser(
            Integer.MAX_VALUE,
            new FrameParser.Listener() {
              @Override
              public void onFrame(Buffer payload) {
                waiting.poll().complete(payload);
              }

              @Override
              public void onOversize(long declaredLength, int maxFrameBytes) {}
            });
    socket.handler(parser);
  }

  /** An echo server in {@code serverVertx}, and a connection to it from {@code clientVertx}. */
  static RawTcp start(Vertx serverVertx, Vertx clientVertx) throws Exception {
    NetServer server =
        serverVertx.createNetServer(
            new NetServerOptions().setHost("127.0.0.1").setTcpNoDelay(true));
    server.connectHandler(
        s -> {
          FrameParser echo =
              new FrameParser(
                  Integer.MAX_VALUE,
                  new FrameParser.Listener() {
                    @Override
                    public void onFrame(Buffer payload) {
                      s.write(
                          Buffer.buffer(payload.length() + 4)
                              .appendInt(payload.length())
                              .appendBuffer(payload));
                    }

                    @Override
                    public void onOversize(long declaredLength, int maxFrameBytes) {}
                  });
          s.handler(echo);
        });
    server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    NetClient client =
        clientVertx.createNetClient(new io.vertx.core.net.NetClientOptions().setTcpNoDelay(true));
    io.vertx.core.Context context = clientVertx.getOrCreateContext();
    Promise<NetSocket> connected = Promise.promise();
    context.runOnContext(
        v -> client.connect(server.actualPort(), "127.0.0.1").onComplete(connected));
    return new RawTcp(server, client, connected.future().await(10, TimeUnit.SECONDS));
  }

  /** A connection from {@code clientVertx} to an echo peer at {@code port} (another process). */
  static RawTcp connect(Vertx clientVertx, int port, io.vertx.core.net.NetClientOptions options)
      throws Exception {
    NetClient client = clientVertx.createNetClient(options.setTcpNoDelay(true));
    io.vertx.core.Context context = clientVertx.getOrCreateContext();
    Promise<NetSocket> connected = Promise.promise();
    context.runOnContext(v -> client.connect(port, "127.0.0.1").onComplete(connected));
    return new RawTcp(null, client, connected.future().await(10, TimeUnit.SECONDS));
  }

  /** One round trip of {@code frame} (length prefix included); call on the client's context. */
  Future<Buffer> call(Buffer frame) {
    Promise<Buffer> reply = Promise.promise();
    waiting.add(reply);
    socket.write(frame);
    return reply.future();
  }

  /**
   * Copies {@code file} over one TCP connection into {@code target} (sendfile on one side, the file
   * system on the other); returns the seconds it took.
   */
  static double copy(Vertx serverVertx, Vertx clientVertx, Path file, Path target)
      throws Exception {
    NetServer server = serverVertx.createNetServer(new NetServerOptions().setHost("127.0.0.1"));
    server.connectHandler(s -> s.sendFile(file.toString()).onComplete(v -> s.close()));
    server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    NetClient client = clientVertx.createNetClient();
    Promise<Void> done = Promise.promise();
    long start = System.nanoTime();
    clientVertx
        .fileSystem()
        .open(
            target.toString(),
            new OpenOptions().setWrite(true).setCreate(true).setTruncateExisting(true))
        .compose(
            out -> client.connect(server.actualPort(), "127.0.0.1").compose(s -> s.pipeTo(out)))
        .onComplete(done);
    done.future().await(10, TimeUnit.MINUTES);
    double seconds = (System.nanoTime() - start) / 1e9;
    server.close();
    client.close();
    return seconds;
  }

  @Override
  public void close() {
    socket.close();
    netClient.close();
    if (server != null) {
      server.close();
    }
  }
}
