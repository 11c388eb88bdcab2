package io.dialback.hub.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.dialback.hub.TestCluster;
import io.dialback.testkit.HubConf;
import io.dialback.testkit.RawBridgeSocket;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A login whose name is held on another hub waits for that hub to leave the cluster instead of
 * being refused at once (after a hub dies, its agents arrive elsewhere before the cluster knows);
 * while the holder's hub stays, the login is refused with 409 as before. Real hubs, real sockets.
 */
class HolderWaitTest {
  @Test
  void aLoginWaitsForTheHubHoldingItsNameToLeaveThenBinds() throws Exception {
    try (TestCluster cluster = TestCluster.start(2)) {
      RawBridgeSocket holder =
          RawBridgeSocket.login(cluster.member(0).port(), HubConf.ALPHA_TOKEN, "alpha");
      holder.barrier();
      try (RawBridgeSocket second = RawBridgeSocket.connect(cluster.member(1).port())) {
        second.send(
            new JsonObject()
                .put("type", "send")
                .put("address", "hub.login")
                .put("replyAddress", "r1")
                .put(
                    "body",
                    new JsonObject().put("token", HubConf.ALPHA_TOKEN).put("name", "alpha")));
        assertThat(second.poll(Duration.ofMillis(1_000)))
            .as("no answer while hub 1 is a member and holds alpha")
            .isNull();
        long t0 = System.nanoTime();
        cluster.member(0).vertx().close().await(30, TimeUnit.SECONDS); // hub 1 leaves
        JsonObject reply = second.read(Duration.ofSeconds(10));
        assertThat(reply.getString("type")).as(reply.encode()).isEqualTo("message");
        assertThat(reply.getJsonObject("body").getString("identity")).isEqualTo("alpha");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(5_000);
      }
    }
  }

  @Test
  void whileTheHoldersHubStaysTheLoginIsRefusedAfterTheWait() throws Exception {
    try (TestCluster cluster = TestCluster.start(2);
        RawBridgeSocket holder =
            RawBridgeSocket.login(cluster.member(0).port(), HubConf.ALPHA_TOKEN, "alpha");
        RawBridgeSocket second = RawBridgeSocket.connect(cluster.member(1).port())) {
      holder.barrier();
      long t0 = System.nanoTime();
      JsonObject refused = second.loginReply(HubConf.ALPHA_TOKEN, "alpha");
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertThat(refused.getInteger("failureCode")).isEqualTo(409);
      assertThat(refused.getString("message"))
          .contains("agent name alpha is bound by a live connection on hub1");
      assertThat(ms).isBetween(HolderWait.WAIT_MS - 500, HolderWait.WAIT_MS + 5_000);
      // The holder kept its name and works on.
      holder.barrier();
    }
  }
}
