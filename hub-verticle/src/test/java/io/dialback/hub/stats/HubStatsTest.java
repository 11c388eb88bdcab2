package io.dialback.hub.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.dialback.hub.TestCluster;
import io.dialback.hub.TestHub;
import io.dialback.hub.TestHub.Target;
import io.dialback.testkit.Await;
import io.dialback.testkit.RawBridgeSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code hub.stats}: what the console's hub table and calls-per-second line read. */
class HubStatsTest {
  private static JsonObject stats(RawBridgeSocket s) throws Exception {
    String reply = s.nextReplyAddress();
    s.send(
        new JsonObject()
            .put("type", "send")
            .put("address", "hub.stats")
            .put("replyAddress", reply)
            .put("body", new JsonObject()));
    JsonObject frame = s.read();
    assertThat(frame.getString("type")).as(frame.encode()).isEqualTo("message");
    return frame.getJsonObject("body");
  }

  private static JsonObject hub(JsonObject stats, String name) {
    for (Object o : stats.getJsonArray("hubs", new JsonArray())) {
      if (name.equals(((JsonObject) o).getString("name"))) {
        return (JsonObject) o;
      }
    }
    return null;
  }

  @Test
  void aClientSeesItsHubsConnectionsAgentsAndCallsPerSecond() throws Exception {
    try (TestHub h = TestHub.start(Target.DIALBACK);
        RawBridgeSocket agent = RawBridgeSocket.login(h.port, TestHub.ALPHA_TOKEN, "alpha");
        RawBridgeSocket client = RawBridgeSocket.login(h.port, TestHub.CLIENT_TOKEN, null)) {
      String name = "127.0.0.1:" + h.port;
      Await.until(
          "the hub's figures",
          Duration.ofSeconds(5),
          () -> {
            JsonObject self = hub(stats(client), name);
            return self != null && self.getInteger("connections") == 2;
          });
      for (int i = 0; i < 50; i++) {
        stats(client);
      }
      // Each hub samples itself once a second.
      Await.until(
          "calls and calls per second counted",
          Duration.ofSeconds(5),
          () -> {
            JsonObject self = hub(stats(client), name);
            return self.getLong("calls") >= 50 && self.getLong("callsPerSecond") > 0;
          });
      assertThat(hub(stats(client), name).getInteger("agents")).isEqualTo(1);
    }
  }

  @Test
  void everyHubOfAClusterIsListedWhicheverHubIsAsked() throws Exception {
    try (TestCluster cluster = TestCluster.start(2);
        RawBridgeSocket agent =
            RawBridgeSocket.login(cluster.member(0).port(), TestHub.ALPHA_TOKEN, "alpha");
        RawBridgeSocket client =
            RawBridgeSocket.login(cluster.member(1).port(), TestHub.CLIENT_TOKEN, null)) {
      String first = "hub1"; // TestCluster names its hubs
      String second = "hub2";
      JsonObject[] last = new JsonObject[1];
      try {
        Await.until(
            "both hubs in hub.stats",
            Duration.ofSeconds(10),
            () -> {
              last[0] = stats(client);
              return hub(last[0], first) != null && hub(last[0], second) != null;
            });
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "; last answer: " + last[0].encode(), e);
      }
      JsonObject stats = stats(client);
      assertThat(stats.getString("hub")).isEqualTo(second);
      assertThat(hub(stats, first).getInteger("agents")).isEqualTo(1);
      assertThat(hub(stats, second).getInteger("agents")).isZero();
    }
  }
}
