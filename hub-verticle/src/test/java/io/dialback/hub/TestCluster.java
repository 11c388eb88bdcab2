package io.dialback.hub;

import io.dialback.conf.Settings;
import io.dialback.hub.cluster.ClusterConfig;
import io.dialback.hub.cluster.HubCluster;
import io.dialback.testkit.Ports;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Hubs clustered with Hazelcast inside the test JVM, each on its own clustered Vert.x, on 127.0.0.1
 * with free ports and a cluster name of their own (so they never join another test's cluster).
 */
public final class TestCluster implements AutoCloseable {
  /** One member: its Vert.x and its hub's bridge port. */
  public record Member(Vertx vertx, HubVerticle hub) {
    public int port() {
      return hub.actualPort();
    }
  }

  private final List<Member> members;

  private TestCluster(List<Member> members) {
    this.members = members;
  }

  /** Starts {@code size} hubs with {@link TestHub#conf()} (plus a cluster section). */
  public static TestCluster start(int size) throws Exception {
    return start(size, TestHub.conf());
  }

  /** Starts {@code size} hubs with {@code hubConf}; its {@code cluster} keys (timing) are kept. */
  public static TestCluster start(int size, JsonObject hubConf) throws Exception {
    String name = "test-" + UUID.randomUUID();
    List<Integer> ports = new ArrayList<>();
    JsonArray addresses = new JsonArray();
    for (int i = 0; i < size; i++) {
      int port = Ports.free();
      ports.add(port);
      addresses.add("127.0.0.1:" + port);
    }
    List<Member> members = new ArrayList<>();
    try {
      for (int i = 0; i < size; i++) {
        JsonObject conf = hubConf.copy();
        conf.put("name", "hub" + (i + 1));
        conf.put(
            "cluster",
            hubConf
                .getJsonObject("cluster", new JsonObject())
                .copy()
                .put("enabled", true)
                .put("host", "127.0.0.1")
                .put("port", ports.get(i))
                .put("members", addresses)
                .put("name", name));
        ClusterConfig cfg =
            ClusterConfig.from(
                Settings.of(conf, Map.of(), HubConfig.ENV_PREFIX).section("cluster"), false);
        HazelcastClusterManager manager = HubCluster.clusterManager(cfg);
        Vertx vertx = HubCluster.vertx(cfg, manager).await(60, TimeUnit.SECONDS);
        HubVerticle hub = new HubVerticle(Map.of(), () -> manager);
        members.add(new Member(vertx, hub));
        vertx
            .deployVerticle(hub, new DeploymentOptions().setConfig(conf))
            .await(60, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      new TestCluster(members).close();
      throw e;
    }
    return new TestCluster(members);
  }

  public Member member(int index) {
    return members.get(index);
  }

  @Override
  public void close() {
    for (Member m : members) {
      try {
        m.vertx().close().await(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        // closing the rest matters more
      }
    }
  }
}
