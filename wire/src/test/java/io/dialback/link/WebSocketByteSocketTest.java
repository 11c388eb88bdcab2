package io.dialback.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The WebSocket framing of the bridge: whole frames per binary message out, a stream in. */
class WebSocketByteSocketTest {
  private final Vertx vertx = Vertx.vertx();
  private final CompletableFuture<ServerWebSocket> accepted = new CompletableFuture<>();
  private HttpServer server;

  @BeforeEach
  void listen() throws Exception {
    server =
        vertx
            .createHttpServer()
            .webSocketHandler(accepted::complete)
            .listen(0, "127.0.0.1")
            .await(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private WebSocket dial() throws Exception {
    return vertx
        .createWebSocketClient()
        .connect(
            new WebSocketConnectOptions()
                .setHost("127.0.0.1")
                .setPort(server.actualPort())
                .setURI("/"))
        .await(10, TimeUnit.SECONDS);
  }

  private static Buffer frame(String payload) {
    Buffer p = Buffer.buffer(payload);
    return Buffer.buffer().appendInt(p.length()).appendBuffer(p);
  }

  @Test
  void eachWriteOfWholeFramesGoesOutAsOneBinaryMessage() throws Exception {
    WebSocket client = dial();
    ServerWebSocket peer = accepted.get(10, TimeUnit.SECONDS);
    List<Buffer> messages = new CopyOnWriteArrayList<>();
    peer.binaryMessageHandler(messages::add);
    Buffer batch = frame("one").appendBuffer(frame("")).appendBuffer(frame("three"));

    ByteSocket socket = ByteSocket.of(client);
    socket.write(frame("alone")).await(10, TimeUnit.SECONDS);
    socket.write(batch).await(10, TimeUnit.SECONDS);

    Wait.until(() -> messages.size() == 2);
    assertThat(messages).containsExactly(frame("alone"), batch);
  }

  @Test
  void binaryMessagesArriveAsOneByteStreamAndATextMessageCloses() throws Exception {
    WebSocket client = dial();
    ServerWebSocket peer = accepted.get(10, TimeUnit.SECONDS);
    Buffer received = Buffer.buffer();
    CompletableFuture<Short> closed = new CompletableFuture<>();
    ByteSocket bytes = ByteSocket.of(peer);
    bytes.handler(received::appendBuffer);
    client.closeHandler(v -> closed.complete(client.closeStatusCode()));

    Buffer whole = frame("split across messages");
    client.writeBinaryMessage(whole.slice(0, 3));
    client.writeBinaryMessage(whole.slice(3, whole.length()).copy().appendBuffer(frame("x")));
    Wait.until(() -> received.length() == whole.length() + 5);
    assertThat(received).isEqualTo(whole.copy().appendBuffer(frame("x")));

    client.writeTextMessage("{\"type\":\"ping\"}");
    assertThat(closed.get(10, TimeUnit.SECONDS)).isEqualTo((short) 1003);
  }
}
