package io.dialback.hub;

import static org.assertj.core.api.Assertions.assertThat;

import io.dialback.testkit.JavaProcess;
import io.dialback.testkit.Ports;
import io.dialback.testkit.RawBridgeSocket;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A hub process told to stop (SIGTERM) finishes the requests in flight before it goes. */
class GracefulStopTest {
  @TempDir Path tmp;

  private static JsonObject request(String address, String replyAddress) {
    return new JsonObject()
        .put("type", "send")
        .put("address", address)
        .put("replyAddress", replyAddress)
        .put("body", new JsonObject());
  }

  @Test
  void sigtermDrainsRequestsInFlightAndRefusesNewWork() throws Exception {
    int port = Ports.free();
    Path conf =
        Files.writeString(
            tmp.resolve("hub.json"),
            TestHub.conf()
                .put("port", port)
                .put("limits", new JsonObject().put("drainTimeoutMs", 10_000))
                .encode());
    try (JavaProcess hub =
            JavaProcess.start(
                "hub",
                "io.dialback.hub.HubMain",
                List.of("-Xmx64m", "-XX:+UseSerialGC"),
                List.of("-conf", conf.toString()),
                Map.of(),
                tmp);
        RawBridgeSocket agent = connectWhenUp(hub, port, TestHub.ALPHA_TOKEN, "alpha");
        RawBridgeSocket client = RawBridgeSocket.login(port, TestHub.CLIENT_TOKEN, null)) {
      agent.send(new JsonObject().put("type", "register").put("address", "agent.alpha.slow"));
      agent.barrier();
      client.send(request("agent.alpha.slow", "in-flight"));
      String replyAddress = agent.read().getString("replyAddress");

      hub.signal("TERM");
      hub.awaitLog("draining: 1 requests in flight", Duration.ofSeconds(10));

      client.send(request("agent.alpha.slow", "too-late"));
      JsonObject refused = client.read();
      assertThat(refused.getString("address")).isEqualTo("too-late");
      assertThat(refused.getInteger("failureCode")).isEqualTo(503);
      assertThat(refused.getString("message")).contains("shutting down");
      try (RawBridgeSocket newcomer = RawBridgeSocket.connect(port)) {
        assertThat(newcomer.loginReply(TestHub.CLIENT_TOKEN, null).getInteger("failureCode"))
            .isEqualTo(503);
      }

      agent.send(
          new JsonObject()
              .put("type", "send")
              .put("address", replyAddress)
              .put("body", "finished"));
      JsonObject answer = client.read();
      assertThat(answer.getString("address")).isEqualTo("in-flight");
      assertThat(answer.getString("body")).isEqualTo("finished");

      hub.waitFor(Duration.ofSeconds(15));
      assertThat(hub.logText()).contains("dialback-hub stopped").doesNotContain("still in flight");
    }
  }

  private static RawBridgeSocket connectWhenUp(JavaProcess hub, int port, String token, String name)
      throws Exception {
    hub.awaitLog("listening on", Duration.ofSeconds(30));
    return RawBridgeSocket.login(port, token, name);
  }
}
