package io.dialback.hub.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.multimap.MultiMap;
import io.dialback.hub.TestCluster;
import io.dialback.testkit.HubConf;
import io.dialback.testkit.RawBridgeSocket;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Agent addresses are routed through one cluster entry per agent ({@link AgentRoutes}), not one
 * Vert.x subscription per address: on a real two-hub cluster, with a raw agent socket and raw
 * client sockets, and with the clustered event bus of the other hub as a service would call.
 */
class AgentRoutesTest {
  private static final String FS_STAT = "agent.alpha.fs.stat";
  private static final String FS_LIST = "agent.alpha.fs.list";

  @Test
  void anAgentIsOneRouteEntryAndIsCallableFromTheOtherHubUntilItMoves() throws Exception {
    try (TestCluster cluster = TestCluster.start(2)) {
      int hub1 = cluster.member(0).port();
      int hub2 = cluster.member(1).port();
      HazelcastInstance hz2 = hazelcast(cluster, 1);
      IMap<String, String> routes = hz2.getMap(AgentRoutes.MAP);
      MultiMap<String, Object> subs = hz2.getMultiMap("__vertx.subs");

      RawBridgeSocket agent = RawBridgeSocket.login(hub1, HubConf.ALPHA_TOKEN, "alpha");
      agent.send(register(FS_STAT)).send(register(FS_LIST)).barrier();
      String node1 = nodeId(cluster, 0);
      waitFor(() -> (node1 + "\n" + FS_LIST + "\n" + FS_STAT).equals(routes.get("alpha")));
      Set<String> agentSubs = new TreeSet<>();
      for (String key : subs.keySet()) {
        if (key.startsWith("agent.alpha.")) {
          agentSubs.add(key);
        }
      }
      assertThat(agentSubs).as("no subscription per agent address in the cluster").isEmpty();

      try (RawBridgeSocket client = RawBridgeSocket.login(hub2, HubConf.CLIENT_TOKEN, null)) {
        // A client on hub 2 calls the agent on hub 1, which answers.
        JsonObject reply = call(client, agent, FS_STAT, "one");
        assertThat(reply.getJsonObject("body").getString("echo")).isEqualTo("one");

        // An address the agent does not serve: refused at once, not left to time out.
        long t0 = System.nanoTime();
        client.send(request("agent.alpha.fs.nothing", client.nextReplyAddress(), "x"));
        JsonObject refused = client.read();
        assertThat(refused.getString("type")).isEqualTo("err");
        assertThat(refused.getString("message")).containsIgnoringCase("no");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(2_000);

        // A clustered service (the event bus of hub 2's Vert.x) calls it too.
        var answer = fromService(cluster, FS_LIST, "svc");
        JsonObject delivered = agent.read();
        assertThat(delivered.getString("address")).isEqualTo(FS_LIST);
        agent.send(
            new JsonObject()
                .put("type", "send")
                .put("address", delivered.getString("replyAddress"))
                .put("body", new JsonObject().put("echo", "svc")));
        assertThat(((JsonObject) answer.await(10, TimeUnit.SECONDS).body()).getString("echo"))
            .isEqualTo("svc");

        // The agent leaves hub 1 and logs in on hub 2: hub 2's cached route follows it.
        agent.close();
        waitFor(() -> routes.get("alpha") == null);
        String node2 = nodeId(cluster, 1);
        try (RawBridgeSocket moved = loginWhenFree(hub2)) {
          moved.send(register(FS_STAT)).barrier();
          waitFor(() -> (node2 + "\n" + FS_STAT).equals(routes.get("alpha")));
          try (RawBridgeSocket other = RawBridgeSocket.login(hub1, HubConf.CLIENT_TOKEN, null)) {
            assertThat(call(other, moved, FS_STAT, "two").getJsonObject("body").getString("echo"))
                .isEqualTo("two");
          }
          assertThat(call(client, moved, FS_STAT, "three").getJsonObject("body").getString("echo"))
              .isEqualTo("three");
        }
        waitFor(() -> routes.get("alpha") == null);
        // Gone: a service hears so at once ("no handlers", or from a hub whose route to the
        // agent was just taken back, that no connection serves it any more), not by a timeout.
        var gone = cluster.member(0).vertx().eventBus().request(FS_STAT, new JsonObject());
        try {
          gone.await(5, TimeUnit.SECONDS);
          throw new AssertionError("a call to an agent that left was answered");
        } catch (ReplyException e) {
          assertThat(e.failureType()).isNotEqualTo(ReplyFailure.TIMEOUT);
          if (e.failureType() != ReplyFailure.NO_HANDLERS) {
            assertThat(e.getMessage()).contains("no connection serves " + FS_STAT);
          }
        }
      }
    }
  }

  /**
   * An agent is listed as it logs in and routed once it has registered its addresses, a moment
   * later: a call from another hub in between waits for the route (both from a bridge client and
   * from a clustered service), where it used to fail "nobody serves" after the no-handler retries
   * (620 ms). A call to an agent nobody lists still fails at once.
   */
  @Test
  void aCallToAListedAgentWaitsForItsRouteAndOneToAnUnlistedAgentFailsAtOnce() throws Exception {
    try (TestCluster cluster = TestCluster.start(2);
        RawBridgeSocket agent =
            RawBridgeSocket.login(cluster.member(0).port(), HubConf.ALPHA_TOKEN, "alpha");
        RawBridgeSocket client =
            RawBridgeSocket.login(cluster.member(1).port(), HubConf.CLIENT_TOKEN, null)) {
      IMap<String, String> routes = hazelcast(cluster, 1).getMap(AgentRoutes.MAP);
      assertThat(routes.get("alpha")).as("listed, not routed yet").isNull();

      client.send(request(FS_STAT, client.nextReplyAddress(), "early"));
      var service = fromService(cluster, FS_LIST, "svc");
      Thread.sleep(1_500); // well past the no-handler retries
      // No barrier: the waiting calls may arrive before its pong would.
      agent.send(register(FS_STAT)).send(register(FS_LIST));

      for (int i = 0; i < 2; i++) {
        JsonObject delivered = agent.read(Duration.ofSeconds(10));
        agent.send(
            new JsonObject()
                .put("type", "send")
                .put("address", delivered.getString("replyAddress"))
                .put("body", delivered.getJsonObject("body")));
      }
      JsonObject answer = client.read(Duration.ofSeconds(10));
      assertThat(answer.getString("type")).as(answer.encode()).isEqualTo("message");
      assertThat(answer.getJsonObject("body").getString("echo")).isEqualTo("early");
      assertThat(((JsonObject) service.await(10, TimeUnit.SECONDS).body()).getString("echo"))
          .isEqualTo("svc");

      long t0 = System.nanoTime();
      client.send(request("agent.nobody.fs.stat", client.nextReplyAddress(), "x"));
      JsonObject refused = client.read(Duration.ofSeconds(10));
      assertThat(refused.getString("type")).isEqualTo("err");
      assertThat(refused.getString("failureType")).isEqualTo("NO_HANDLERS");
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(2_000);
    }
  }

  /**
   * A call waiting for a listed agent's route is answered as soon as the agent's registry entry
   * goes (it left before it was routed), not after the whole wait: it used to hang 5 s, and this
   * class's first case failed so under load when the agent's route went before its entry.
   */
  @Test
  void aCallWaitingForTheRouteOfAnAgentThatLeavesIsAnsweredWhenItsEntryGoes() throws Exception {
    try (TestCluster cluster = TestCluster.start(2)) {
      RawBridgeSocket agent =
          RawBridgeSocket.login(cluster.member(0).port(), HubConf.ALPHA_TOKEN, "alpha");
      IMap<String, String> registry = hazelcast(cluster, 1).getMap(HubCluster.AGENTS_MAP);
      waitFor(() -> registry.get("alpha") != null);

      long t0 = System.nanoTime();
      var service = fromService(cluster, FS_STAT, "svc");
      Thread.sleep(1_000); // listed, never routed: the call waits for the route
      assertThat(service.isComplete()).as("waiting for alpha's route").isFalse();
      agent.close();

      try {
        service.await(DueRoutes.WAIT_MS, TimeUnit.MILLISECONDS);
        throw new AssertionError("a call to an agent that left was answered");
      } catch (ReplyException e) {
        assertThat(e.failureType()).isEqualTo(ReplyFailure.NO_HANDLERS);
      }
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0))
          .as("answered when alpha's entry went, not after the whole wait")
          .isLessThan(DueRoutes.WAIT_MS - 700);
    }
  }

  /** A clustered service's call (the event bus of hub 2's Vert.x) of {@code address}. */
  private static Future<Message<Object>> fromService(
      TestCluster cluster, String address, String text) {
    return cluster
        .member(1)
        .vertx()
        .eventBus()
        .request(address, new JsonObject().put("echo", text), new DeliveryOptions());
  }

  private static RawBridgeSocket loginWhenFree(int port) throws Exception {
    for (int attempt = 0; attempt < 100; attempt++) {
      RawBridgeSocket s = RawBridgeSocket.connect(port);
      JsonObject reply = s.loginReply(HubConf.ALPHA_TOKEN, "alpha");
      if ("message".equals(reply.getString("type"))) {
        return s;
      }
      s.close();
      Thread.sleep(50);
    }
    throw new AssertionError("alpha could not log in again");
  }

  /** {@code caller} calls {@code address}; {@code agent} reads the call and echoes its body. */
  private static JsonObject call(
      RawBridgeSocket caller, RawBridgeSocket agent, String address, String text) throws Exception {
    caller.send(request(address, caller.nextReplyAddress(), text));
    JsonObject delivered = agent.read();
    assertThat(delivered.getString("address")).isEqualTo(address);
    agent.send(
        new JsonObject()
            .put("type", "send")
            .put("address", delivered.getString("replyAddress"))
            .put("body", delivered.getJsonObject("body")));
    return caller.read();
  }

  private static JsonObject request(String address, String replyAddress, String text) {
    return new JsonObject()
        .put("type", "send")
        .put("address", address)
        .put("replyAddress", replyAddress)
        .put("body", new JsonObject().put("echo", text));
  }

  private static JsonObject register(String address) {
    return new JsonObject().put("type", "register").put("address", address);
  }

  private static HazelcastInstance hazelcast(TestCluster cluster, int index) {
    return ((HazelcastClusterManager)
            ((io.vertx.core.internal.VertxInternal) cluster.member(index).vertx()).clusterManager())
        .getHazelcastInstance();
  }

  private static String nodeId(TestCluster cluster, int index) {
    return ((io.vertx.core.internal.VertxInternal) cluster.member(index).vertx())
        .clusterManager()
        .getNodeId();
  }

  private static void waitFor(java.util.function.BooleanSupplier condition) throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("condition not met within 10 s");
      }
      Thread.sleep(20);
    }
  }
}
