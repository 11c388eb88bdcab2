package io.dialback.hub.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dialback.hub.TestHub;
import io.dialback.hub.TestHub.Target;
import io.dialback.testkit.RawBridgeSocket;
import io.dialback.testkit.WebSocketStreams;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What only the WebSocket transport has: the upgrade and who may make it (cross-site WebSocket
 * hijacking), message types, and WebSocket frame sizes. Everything else runs over both transports
 * in the conformance and hostile-input suites.
 */
class WebSocketTransportTest {
  private static final Duration QUICK = Duration.ofSeconds(5);
  private TestHub hub;
  private int http;

  @BeforeEach
  void start() {
    hub =
        TestHub.start(
            Target.DIALBACK_WS,
            TestHub.conf()
                .put(
                    "http",
                    new JsonObject()
                        .put("port", 0)
                        .put("allowedOrigins", new JsonArray().add("https://console.example"))));
    hub.vertx.eventBus().consumer("test.echo", msg -> msg.reply(msg.body()));
    http = hub.hub().httpPort();
  }

  @AfterEach
  void stop() throws Exception {
    hub.close();
  }

  private RawBridgeSocket withOrigin(String origin) throws IOException {
    return RawBridgeSocket.connectWebSocket(http, TestHub.WS_PATH, origin);
  }

  private static void assertLogsIn(RawBridgeSocket s) throws IOException {
    assertThat(s.loginReply(TestHub.CLIENT_TOKEN, null).getString("type")).isEqualTo("message");
    s.barrier();
  }

  @Test
  void anUpgradeFromAForeignOriginIsRefusedBeforeAnyFrame() throws Exception {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", http));
      WebSocketStreams.Upgrade answer =
          WebSocketStreams.upgrade(socket, http, TestHub.WS_PATH, "https://evil.example");
      assertThat(answer.status()).isEqualTo(403);
      assertThat(answer.body()).contains("origin https://evil.example is not allowed");
    }
    for (String foreign :
        new String[] {"null", "http://127.0.0.1:" + (http + 1), "https://127.0.0.1:" + http}) {
      assertThatThrownBy(() -> withOrigin(foreign)).hasMessageContaining("403");
    }
    try (RawBridgeSocket own = withOrigin("http://127.0.0.1:" + http);
        RawBridgeSocket listed = withOrigin("https://console.example");
        RawBridgeSocket noBrowser = withOrigin(null)) {
      assertLogsIn(own);
      assertLogsIn(listed);
      assertLogsIn(noBrowser);
    }
  }

  @Test
  void aPlainRequestToTheBridgePathIsToldToUpgrade() throws Exception {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", http));
      socket
          .getOutputStream()
          .write(
              ("GET /bridge HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(answer).startsWith("HTTP/1.1 426").contains("connect with a WebSocket client");
    }
  }

  @Test
  void aTextMessageClosesTheConnectionAndOnlyIt() throws Exception {
    try (RawBridgeSocket s = RawBridgeSocket.login(hub.endpoint(), TestHub.CLIENT_TOKEN, null)) {
      s.sendText("{\"type\":\"ping\"}");
      assertThat(s.isClosedByPeer(QUICK)).isTrue();
      assertThat(s.closeStatus()).isEqualTo(1003);
    }
    try (RawBridgeSocket other =
        RawBridgeSocket.login(hub.endpoint(), TestHub.CLIENT_TOKEN, null)) {
      other.barrier();
    }
  }

  @Test
  void aWebSocketFrameLargerThan64KiBIsRefusedWithoutBeingBuffered() throws Exception {
    try (RawBridgeSocket s = RawBridgeSocket.login(hub.endpoint(), TestHub.CLIENT_TOKEN, null)) {
      byte[] big = new byte[1024 * 1024];
      try {
        s.sendWebSocketFrame(0x82, big);
      } catch (IOException e) {
        // the hub may close before all of it is written
      }
      assertThat(s.isClosedByPeer(QUICK)).isTrue();
    }
    try (RawBridgeSocket other =
        RawBridgeSocket.login(hub.endpoint(), TestHub.CLIENT_TOKEN, null)) {
      other.barrier();
    }
  }

  @Test
  void aBridgeFrameOfSeveralMebibytesCrossesInFragments() throws Exception {
    char[] filler = new char[6 * 1024 * 1024];
    Arrays.fill(filler, 'x');
    String body = new String(filler);
    try (RawBridgeSocket s = RawBridgeSocket.login(hub.endpoint(), TestHub.CLIENT_TOKEN, null)) {
      s.send(
          new JsonObject()
              .put("type", "send")
              .put("address", "test.echo")
              .put("replyAddress", "r-big")
              .put("body", body));
      JsonObject reply = s.read(Duration.ofSeconds(20));
      assertThat(reply.getString("address")).isEqualTo("r-big");
      assertThat(reply.getString("body")).hasSize(body.length());
    }
  }

  @Test
  void onlyTheConsoleFilesAndTheBridgeAreServed() throws Exception {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", http));
      socket
          .getOutputStream()
          .write(
              ("GET /../../etc/passwd HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(answer).startsWith("HTTP/1.1 404");
    }
  }
}
