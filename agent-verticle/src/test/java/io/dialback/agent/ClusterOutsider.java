package io.dialback.agent;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.dialback.conf.Settings;
import io.dialback.hub.cluster.ClusterConfig;
import io.dialback.hub.cluster.HubCluster;
import io.dialback.hub.registry.AgentRecord;
import io.dialback.wire.Wire;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * An attacker for {@code ClusterTlsTest}: a process that reaches the hubs' Hazelcast port and knows
 * the cluster's name, but holds no certificate of the cluster's CA. It joins with our own Hazelcast
 * config as a full member, with a plain event bus ({@code mode: plain}) or one with a certificate
 * of its own that trusts anyone ({@code mode: rogue}), then tries everything it can and prints each
 * outcome on a line starting with {@code outsider}.
 *
 * <p>Argument: inline JSON {@code {cluster: {...}, mode, certPath?, keyPath?, agent, agentHub,
 * path, consumers}}.
 */
public final class ClusterOutsider {
  /** Name of the agent it lists in the registry. */
  public static final String FAKE_AGENT = "outsider-listed";

  /** Name in the presence events it publishes itself. */
  public static final String FAKE_EVENT_NAME = "outsider-published";

  private ClusterOutsider() {}

  public static void main(String[] args) throws Exception {
    JsonObject conf = new JsonObject(args[0]);
    ClusterConfig cfg =
        ClusterConfig.from(Settings.of(conf, Map.of(), "OUTSIDER_").section("cluster"), true);
    String mode = conf.getString("mode");
    String agent = conf.getString("agent");
    EventBusOptions bus =
        new EventBusOptions().setHost("127.0.0.1").setPort(0).setClusterPublicHost("127.0.0.1");
    if (mode.equals("rogue")) {
      bus.setSsl(true)
          .setKeyCertOptions(
              new PemKeyCertOptions()
                  .setCertPath(conf.getString("certPath"))
                  .setKeyPath(conf.getString("keyPath")))
          .setTrustAll(true)
          .setClientAuth(ClientAuth.NONE);
    }
    HazelcastClusterManager manager = HubCluster.clusterManager(cfg);
    Vertx vertx =
        Vertx.builder()
            .with(new VertxOptions().setEventBusOptions(bus))
            .withClusterManager(manager)
            .buildClustered()
            .await(60, TimeUnit.SECONDS);
    HazelcastInstance hz = manager.getHazelcastInstance();
    String uuid = hz.getCluster().getLocalMember().getUuid().toString();
    say("joined (" + mode + ") a cluster of " + hz.getCluster().getMembers().size() + " members");
    EventBus eb = vertx.eventBus();

    // Before it listens anywhere, so that none of this can be answered by itself.
    String read = Wire.agentAddress(agent, "fs", "read");
    long t0 = System.nanoTime();
    try {
      eb.request(
              read,
              new JsonObject().put("path", conf.getString("path")).put("offset", 0),
              new DeliveryOptions().setSendTimeout(2000))
          .await(10, TimeUnit.SECONDS);
      say("request to " + read + " answered");
    } catch (Exception e) {
      say("request to " + read + " failed after " + ms(t0) + " ms: " + e);
    }
    eb.publish(
        Wire.HUB_AGENTS_EVENTS,
        new JsonObject()
            .put("event", Wire.EVENT_JOINED)
            .put("name", FAKE_EVENT_NAME)
            .put("hub", "127.0.0.1:1")
            .put("at", System.currentTimeMillis()));
    eb.publish(
        Wire.HUB_AGENTS_EVENTS,
        new JsonObject()
            .put("event", Wire.EVENT_LEFT)
            .put("name", agent)
            .put("hub", conf.getString("agentHub"))
            .put("at", System.currentTimeMillis()));
    say("published 2 events on " + Wire.HUB_AGENTS_EVENTS);

    List<Future<Void>> registered = new ArrayList<>();
    for (int i = 0; i < conf.getInteger("consumers", 1); i++) {
      registered.add(
          eb.consumer(read, m -> say("received on " + read + ": " + m.body())).completion());
    }
    registered.add(
        eb.consumer(Wire.HUB_AGENTS_EVENTS, m -> say("received event: " + m.body())).completion());
    Future.all(registered).await(30, TimeUnit.SECONDS);
    say("registered " + (registered.size() - 1) + " consumers on " + read + " and one on events");

    IMap<String, String> registry = hz.getMap(HubCluster.AGENTS_MAP);
    say("read the registry: " + new TreeSet<>(registry.keySet()));
    registry.put(
        FAKE_AGENT,
        new AgentRecord(FAKE_AGENT, "127.0.0.1:1", "c-fake", System.currentTimeMillis(), null)
            .toStored(uuid)
            .encode());
    say("listed a fake agent " + FAKE_AGENT);
    say("ready");
  }

  private static long ms(long since) {
    return (System.nanoTime() - since) / 1_000_000;
  }

  private static void say(String line) {
    System.out.println("outsider " + line);
    System.out.flush();
  }
}
