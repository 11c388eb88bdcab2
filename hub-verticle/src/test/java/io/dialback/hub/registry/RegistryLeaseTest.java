package io.dialback.hub.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.dialback.hub.TestCluster;
import io.dialback.hub.TestHub;
import io.dialback.hub.cluster.HubCluster;
import io.dialback.testkit.RawBridgeSocket;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A hub's agents stay in the cluster's registry for as long as they are connected: their entries'
 * leases are renewed (in one pass per hub) well past the lease, with no {@code left} announced; and
 * an agent that leaves is gone from the registry at once.
 */
class RegistryLeaseTest {
  private static final int LEASE_SECONDS = 3;

  @Test
  void connectedAgentsOutliveTheirLeaseAndNoDepartureIsAnnounced() throws Exception {
    try (TestCluster cluster = shortLeases();
        RawBridgeSocket client =
            RawBridgeSocket.login(cluster.member(1).port(), TestHub.CLIENT_TOKEN, null)) {
      client.send(new JsonObject().put("type", "register").put("address", "hub.agents.events"));
      client.barrier();
      RawBridgeSocket alpha =
          RawBridgeSocket.login(cluster.member(0).port(), TestHub.ALPHA_TOKEN, "alpha");
      RawBridgeSocket beta =
          RawBridgeSocket.login(cluster.member(1).port(), TestHub.BETA_TOKEN, "beta");
      // Their logins are announced (across the cluster, a moment later): take those first.
      List<String> joined = new ArrayList<>();
      long joinWait = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (joined.size() < 2 && System.nanoTime() < joinWait) {
        RawBridgeSocket.Frame f = client.pollFrame(Duration.ofMillis(200));
        if (f != null) {
          joined.add(f.json().encode());
        }
      }
      assertThat(joined)
          .as("alpha's and beta's logins announced")
          .anyMatch(e -> e.contains("\"joined\"") && e.contains("alpha"))
          .anyMatch(e -> e.contains("\"joined\"") && e.contains("beta"));
      List<String> events = new ArrayList<>();
      long end = System.nanoTime() + Duration.ofSeconds(3L * LEASE_SECONDS + 1).toNanos();
      while (System.nanoTime() < end) {
        // The agents keep their connections alive, as agents do.
        alpha.barrier();
        beta.barrier();
        assertThat(names(list(client, events)))
            .as("listed all along, from the hub holding neither's connection or one")
            .containsExactly("alpha", "beta");
        Thread.sleep(500);
      }
      assertThat(events).as("no agent announced leaving or joining while connected").isEmpty();

      alpha.close();
      long t0 = System.nanoTime();
      while (names(list(client, events)).contains("alpha")) {
        assertThat(Duration.ofNanos(System.nanoTime() - t0))
            .as("alpha gone from the registry once it closed")
            .isLessThan(Duration.ofSeconds(LEASE_SECONDS));
        Thread.sleep(50);
      }
      // The announcement follows the removal; it may come after the list that no longer has alpha.
      long wait = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (events.stream().noneMatch(e -> e.contains("\"left\"") && e.contains("alpha"))
          && System.nanoTime() < wait) {
        RawBridgeSocket.Frame f = client.pollFrame(Duration.ofMillis(200));
        if (f != null) {
          events.add(f.json().encode());
        }
      }
      assertThat(events).anyMatch(e -> e.contains("\"left\"") && e.contains("alpha"));
      beta.close();
    }
  }

  @Test
  void anEntryOfAHubThatIsNoLongerAMemberIsNotListed() throws Exception {
    try (TestCluster cluster = TestCluster.start(2);
        RawBridgeSocket client =
            RawBridgeSocket.login(cluster.member(1).port(), TestHub.CLIENT_TOKEN, null);
        RawBridgeSocket alpha =
            RawBridgeSocket.login(cluster.member(0).port(), TestHub.ALPHA_TOKEN, "alpha")) {
      alpha.barrier();
      // What a dead hub leaves in the map until the reaper's pass removes it.
      IMap<String, String> map = agents(cluster);
      map.put(
          "ghost",
          new AgentRecord("ghost", "hub9", "c1", 0, null)
              .toStored("00000000-0000-0000-0000-000000000009")
              .encode());
      List<String> events = new ArrayList<>();
      assertThat(map.containsKey("ghost")).isTrue();
      assertThat(names(list(client, events))).containsExactly("alpha");
    }
  }

  /**
   * Entries of connected agents that went from the map (as hundreds of a survivor's did in a
   * 10,000-agent storm) are put back by the hub's next renewal, all of them, and the agents are
   * listed again.
   */
  @Test
  void entriesOfConnectedAgentsThatWentMissingArePutBack() throws Exception {
    try (TestCluster cluster = shortLeases();
        RawBridgeSocket client =
            RawBridgeSocket.login(cluster.member(1).port(), TestHub.CLIENT_TOKEN, null);
        RawBridgeSocket alpha =
            RawBridgeSocket.login(cluster.member(0).port(), TestHub.ALPHA_TOKEN, "alpha");
        RawBridgeSocket beta =
            RawBridgeSocket.login(cluster.member(0).port(), TestHub.BETA_TOKEN, "beta")) {
      List<String> events = new ArrayList<>();
      assertThat(names(list(client, events))).containsExactly("alpha", "beta");
      IMap<String, String> map = agents(cluster);
      map.delete("alpha");
      map.delete("beta");
      assertThat(names(list(client, events))).isEmpty();
      long t0 = System.nanoTime();
      while (names(list(client, events)).size() < 2) {
        alpha.barrier();
        beta.barrier();
        assertThat(Duration.ofNanos(System.nanoTime() - t0))
            .as("put back by a renewal (every third of the lease)")
            .isLessThan(Duration.ofSeconds(LEASE_SECONDS));
        Thread.sleep(100);
      }
      assertThat(names(list(client, events))).containsExactly("alpha", "beta");
      assertThat(new JsonObject(map.get("alpha")).getString("hub")).isEqualTo("hub1");
    }
  }

  /** Two hubs whose agents' leases last {@link #LEASE_SECONDS}. */
  private static TestCluster shortLeases() throws Exception {
    return TestCluster.start(
        2, TestHub.conf().put("cluster", new JsonObject().put("leaseSeconds", LEASE_SECONDS)));
  }

  /** The registry's map, as hub 2 sees it. */
  private static IMap<String, String> agents(TestCluster cluster) {
    HazelcastInstance hz =
        ((HazelcastClusterManager) ((VertxInternal) cluster.member(1).vertx()).clusterManager())
            .getHazelcastInstance();
    return hz.getMap(HubCluster.AGENTS_MAP);
  }

  /** {@code hub.agents.list} from {@code client}, keeping the events that arrive meanwhile. */
  private static JsonArray list(RawBridgeSocket client, List<String> events) throws Exception {
    String reply = client.nextReplyAddress();
    client.send(
        new JsonObject()
            .put("type", "send")
            .put("address", "hub.agents.list")
            .put("replyAddress", reply)
            .put("body", new JsonObject()));
    while (true) {
      JsonObject frame = client.read();
      if (reply.equals(frame.getString("address"))) {
        assertThat(frame.getString("type")).as(frame.encode()).isEqualTo("message");
        return frame.getJsonObject("body").getJsonArray("agents");
      }
      events.add(frame.encode());
    }
  }

  private static List<String> names(JsonArray agents) {
    List<String> names = new ArrayList<>();
    for (Object o : agents) {
      names.add(((JsonObject) o).getString("name"));
    }
    names.sort(null);
    return names;
  }
}
