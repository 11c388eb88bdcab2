package io.dialback.hub.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import io.dialback.hub.TestCluster;
import io.dialback.hub.bridge.ConnectionInfo;
import io.dialback.testkit.HubConf;
import io.dialback.testkit.RawBridgeSocket;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Calls to an agent on another hub of the cluster travel on a hub link ({@code HubLinks}), routed
 * connection to connection: on a real two-hub cluster, with raw agent and client sockets, and a raw
 * socket on the link port playing a hostile peer.
 */
class HubLinksTest {
  private static final String FS_STAT = "agent.alpha.fs.stat";

  @Test
  void callsToAnAgentOnTheOtherHubTakeTheLinkWithCallerIdentityFailuresAndTimeouts()
      throws Exception {
    try (TestCluster cluster = TestCluster.start(2);
        RawBridgeSocket agent =
            RawBridgeSocket.login(cluster.member(0).port(), HubConf.ALPHA_TOKEN, "alpha");
        RawBridgeSocket client =
            RawBridgeSocket.login(cluster.member(1).port(), HubConf.CLIENT_TOKEN, null)) {
      registerOnHub1(cluster, agent);

      // The first call may cross the event bus while hub 2 dials its link; its caller identity
      // is what every call over the link must carry too.
      JsonObject first = echo(client, agent, request("zero", null));
      String caller = first.getJsonObject("headers").getString("dialback.from");
      assertThat(caller).isNotBlank();
      waitFor(() -> link(cluster, 1) != null && link(cluster, 0) != null);
      long before = link(cluster, 1).delivered();

      for (int i = 0; i < 20; i++) {
        client.send(request("n" + i, client.nextReplyAddress()));
        JsonObject delivered = agent.read();
        JsonObject headers = delivered.getJsonObject("headers");
        assertThat(headers.getString("dialback.from")).isEqualTo(caller);
        assertThat(headers.getString("x-trace")).isEqualTo("t");
        assertThat(headers.containsKey("timeout"))
            .as("the hub-owned timeout stays with the hubs")
            .isFalse();
        agent.send(
            new JsonObject()
                .put("type", "send")
                .put("address", delivered.getString("replyAddress"))
                .put("headers", new JsonObject().put("x-answer", "a" + i))
                .put("body", delivered.getJsonObject("body")));
        JsonObject answer = client.read();
        assertThat(answer.getJsonObject("body").getString("echo")).isEqualTo("n" + i);
        assertThat(answer.getJsonObject("headers").getString("x-answer")).isEqualTo("a" + i);
        assertThat(answer.getJsonObject("headers").getString("dialback.from")).isEqualTo("alpha");
      }
      assertThat(link(cluster, 1).delivered() - before)
          .as("calls hub 2 passed to hub 1 on its link")
          .isEqualTo(20);

      // The agent fails a call: its code, message and kind reach the caller as they were.
      client.send(request("fail", client.nextReplyAddress()));
      JsonObject failing = agent.read();
      agent.send(
          new JsonObject()
              .put("type", "send")
              .put("address", failing.getString("replyAddress"))
              .put("failureCode", 42)
              .put("message", "nope"));
      JsonObject failed = client.read();
      assertThat(failed.getString("type")).isEqualTo("err");
      assertThat(failed.getInteger("failureCode")).isEqualTo(42);
      assertThat(failed.getString("message")).isEqualTo("nope");
      assertThat(failed.getString("failureType")).isEqualTo("RECIPIENT_FAILURE");

      // The caller's timeout holds across the link: no answer in 300 ms is a timeout.
      long t0 = System.nanoTime();
      JsonObject slow = request("slow", client.nextReplyAddress());
      slow.getJsonObject("headers").put("timeout", 300);
      client.send(slow);
      agent.read(); // delivered, never answered
      JsonObject timedOut = client.read(Duration.ofSeconds(5));
      long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertThat(timedOut.getString("type")).isEqualTo("err");
      assertThat(timedOut.getString("failureType")).isEqualTo("TIMEOUT");
      assertThat(waited).isBetween(250L, 3_000L);

      // The agent leaves during a call: the caller hears so at once, not at its timeout.
      client.send(request("left", client.nextReplyAddress()));
      agent.read();
      t0 = System.nanoTime();
      agent.close();
      JsonObject gone = client.read(Duration.ofSeconds(10));
      assertThat(gone.getString("type")).isEqualTo("err");
      assertThat(gone.getString("message")).contains("alpha");
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(5_000);
    }
  }

  @Test
  void theLinkPortTakesOnlyCallsToAgentsFromAnotherHubAndNeverAnswersAFailure() throws Exception {
    try (TestCluster cluster = TestCluster.start(2);
        RawBridgeSocket agent =
            RawBridgeSocket.login(cluster.member(0).port(), HubConf.ALPHA_TOKEN, "alpha")) {
      agent.send(register(FS_STAT)).barrier();
      String endpoint =
          hazelcast(cluster, 1)
              .<String, String>getMap(HubClusterManager.LINKS_MAP)
              .get(nodeId(cluster, 0));
      assertThat(endpoint).startsWith("127.0.0.1:");
      int port = Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
      assertThat(port).isNotEqualTo(cluster.member(0).port());

      try (RawBridgeSocket peer = RawBridgeSocket.connect(port)) {
        // What a bridge client would send: not a hub's frame.
        assertRefused(peer, new JsonObject().put("type", "send").put("address", FS_STAT), "r1");
        assertRefused(peer, new JsonObject().put("type", "register").put("address", FS_STAT), "r2");
        // A call without the caller identity another hub stamps.
        assertRefused(
            peer,
            new JsonObject().put("type", "message").put("address", FS_STAT).put("body", 1),
            "r3");
        // Only agents are called over a link, not the hub's own addresses.
        assertRefused(
            peer,
            new JsonObject()
                .put("type", "message")
                .put("address", "hub.agents.list")
                .put("headers", new JsonObject().put("dialback.from", "x")),
            "r4");
        // Another hub-owned header than the caller identity.
        assertRefused(
            peer,
            new JsonObject()
                .put("type", "message")
                .put("address", FS_STAT)
                .put(
                    "headers",
                    new JsonObject().put("dialback.from", "x").put("dialback.relays", "9")),
            "r5");
        // A failure is never answered (two hubs must not refuse each other's refusals for ever):
        // the next frame read is the answer to the ping after it.
        peer.send(new JsonObject().put("type", "err").put("failureCode", 1).put("message", "x"));
        peer.send(
            new JsonObject().put("type", "err").put("address", "nowhere").put("failureCode", 1));
        peer.send(new JsonObject().put("type", "ping"));
        assertThat(peer.read().getString("type")).isEqualTo("pong");

        // What the link port is for: a call, with the identity the calling hub vouches for.
        peer.send(
            new JsonObject()
                .put("type", "message")
                .put("address", FS_STAT)
                .put("replyAddress", "r6")
                .put("headers", new JsonObject().put("dialback.from", "client:svc"))
                .put("body", new JsonObject().put("echo", "via link")));
        JsonObject delivered = agent.read();
        assertThat(delivered.getJsonObject("headers").getString("dialback.from"))
            .isEqualTo("client:svc");
        agent.send(
            new JsonObject()
                .put("type", "send")
                .put("address", delivered.getString("replyAddress"))
                .put("body", new JsonObject().put("ok", true)));
        JsonObject answer = peer.read();
        assertThat(answer.getString("type")).isEqualTo("message");
        assertThat(answer.getString("address")).isEqualTo("r6");
        assertThat(answer.getJsonObject("headers").getString("dialback.from")).isEqualTo("alpha");
      }
    }
  }

  @Test
  void whatCrossesOneHubCrossesALinkTooLargeFramesEveryHeaderAndAnswersThatAskForAnswers()
      throws Exception {
    int maxFrame = 200_000;
    JsonObject conf = io.dialback.hub.TestHub.conf();
    conf.put(
        "limits",
        conf.getJsonObject("limits", new JsonObject()).copy().put("maxFrameBytes", maxFrame));
    try (TestCluster cluster = TestCluster.start(2, conf);
        RawBridgeSocket agent =
            RawBridgeSocket.login(cluster.member(0).port(), HubConf.ALPHA_TOKEN, "alpha");
        RawBridgeSocket client =
            RawBridgeSocket.login(cluster.member(1).port(), HubConf.CLIENT_TOKEN, null)) {
      registerOnHub1(cluster, agent);
      echo(client, agent, request("open the link", null));
      waitFor(() -> link(cluster, 1) != null);
      long before = link(cluster, 1).delivered();

      // A frame just under the peers' limit, which the hub's additions push over it on the link.
      String big = "x".repeat(maxFrame - 1_000);
      JsonObject call = request(big, client.nextReplyAddress());
      JsonObject many = call.getJsonObject("headers");
      for (int i = many.size(); i < io.dialback.wire.Headers.MAX_HEADERS; i++) {
        many.put("x-h" + i, "v" + i);
      }
      client.send(call);
      JsonObject delivered = agent.read(Duration.ofSeconds(10));
      assertThat(delivered.getJsonObject("body").getString("echo")).hasSize(big.length());
      assertThat(delivered.getJsonObject("headers").size())
          .as("every header of the caller's, and its identity")
          .isEqualTo(io.dialback.wire.Headers.MAX_HEADERS + 1);
      // The agent answers with a question of its own, and the caller answers that.
      agent.send(
          new JsonObject()
              .put("type", "send")
              .put("address", delivered.getString("replyAddress"))
              .put("replyAddress", "agent.question.1")
              .put("body", new JsonObject().put("echo", big)));
      JsonObject question = client.read(Duration.ofSeconds(10));
      assertThat(question.getString("type")).isEqualTo("message");
      assertThat(question.getJsonObject("body").getString("echo")).hasSize(big.length());
      assertThat(question.getJsonObject("headers").getString("dialback.from")).isEqualTo("alpha");
      assertThat(question.getString("replyAddress")).isNotBlank();
      client.send(
          new JsonObject()
              .put("type", "send")
              .put("address", question.getString("replyAddress"))
              .put("body", new JsonObject().put("answer", 42)));
      JsonObject answered = agent.read(Duration.ofSeconds(10));
      assertThat(answered.getString("address")).isEqualTo("agent.question.1");
      assertThat(answered.getJsonObject("body").getInteger("answer")).isEqualTo(42);
      assertThat(answered.getJsonObject("headers").getString("dialback.from"))
          .isEqualTo(delivered.getJsonObject("headers").getString("dialback.from"));

      assertThat(link(cluster, 1).delivered() - before)
          .as("the call went on the link")
          .isEqualTo(1);
      assertThat(link(cluster, 1)).as("the link is still open").isNotNull();
    }
  }

  private static void assertRefused(RawBridgeSocket peer, JsonObject frame, String reply)
      throws Exception {
    peer.send(frame.put("replyAddress", reply));
    JsonObject refused = peer.read();
    assertThat(refused.getString("type")).as("answer to %s", frame).isEqualTo("err");
    assertThat(refused.getString("address")).as("answer to %s", frame).isEqualTo(reply);
  }

  /** {@code client} calls the agent, which echoes; returns what the agent was delivered. */
  private static JsonObject echo(RawBridgeSocket client, RawBridgeSocket agent, JsonObject call)
      throws Exception {
    client.send(call.put("replyAddress", client.nextReplyAddress()));
    JsonObject delivered = agent.read();
    agent.send(
        new JsonObject()
            .put("type", "send")
            .put("address", delivered.getString("replyAddress"))
            .put("body", delivered.getJsonObject("body")));
    assertThat(client.read().getString("type")).isEqualTo("message");
    return delivered;
  }

  private static JsonObject request(String text, String replyAddress) {
    JsonObject frame =
        new JsonObject()
            .put("type", "send")
            .put("address", FS_STAT)
            .put("headers", new JsonObject().put("x-trace", "t"))
            .put("body", new JsonObject().put("echo", text));
    return replyAddress == null ? frame : frame.put("replyAddress", replyAddress);
  }

  /** {@code agent} (on hub 1) registers {@link #FS_STAT}; returns once hub 2 routes it there. */
  private static void registerOnHub1(TestCluster cluster, RawBridgeSocket agent) throws Exception {
    agent.send(register(FS_STAT)).barrier();
    String node1 = nodeId(cluster, 0);
    waitFor(() -> String.valueOf(routes(cluster, 1).get("alpha")).startsWith(node1 + "\n"));
  }

  private static JsonObject register(String address) {
    return new JsonObject().put("type", "register").put("address", address);
  }

  /** Member {@code index}'s hub link connection, or null while it has none. */
  private static ConnectionInfo link(TestCluster cluster, int index) {
    for (ConnectionInfo c : cluster.member(index).hub().connections()) {
      if ("hub".equals(c.role())) {
        return c;
      }
    }
    return null;
  }

  private static com.hazelcast.map.IMap<String, String> routes(TestCluster cluster, int index) {
    return hazelcast(cluster, index).getMap(AgentRoutes.MAP);
  }

  private static HazelcastInstance hazelcast(TestCluster cluster, int index) {
    return ((HazelcastClusterManager)
            ((VertxInternal) cluster.member(index).vertx()).clusterManager())
        .getHazelcastInstance();
  }

  private static String nodeId(TestCluster cluster, int index) {
    return ((VertxInternal) cluster.member(index).vertx()).clusterManager().getNodeId();
  }

  private static void waitFor(BooleanSupplier condition) throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("condition not met within 10 s");
      }
      Thread.sleep(20);
    }
  }
}
