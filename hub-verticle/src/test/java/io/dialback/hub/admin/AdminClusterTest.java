package io.dialback.hub.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.dialback.testkit.Await;
import io.dialback.testkit.HubConf;
import io.dialback.testkit.JavaProcess;
import io.dialback.testkit.Ports;
import io.dialback.testkit.RawBridgeSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three hub processes in a cluster, each with its admin port: all ready and listing three hubs; any
 * hub's API lists an agent of another hub with that hub's figures; when one hub is killed, the
 * others stay ready throughout and list two hubs.
 */
class AdminClusterTest {
  private static final String ADMIN_TOKEN = "admin-token-0001";

  @TempDir Path tmp;
  private final Path logs = Path.of("target", "process-logs", "AdminClusterTest");
  private final int[] bridgePorts = {Ports.free(), Ports.free(), Ports.free()};
  private final int[] clusterPorts = {Ports.free(), Ports.free(), Ports.free()};
  private final int[] adminPorts = {Ports.free(), Ports.free(), Ports.free()};
  private final List<JavaProcess> hubs = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (JavaProcess hub : hubs) {
      hub.close();
    }
  }

  private JavaProcess startHub(int i) throws Exception {
    JsonObject conf =
        HubConf.standard()
            .port(bridgePorts[i])
            .put("instances", 1)
            .put("admin", new JsonObject().put("port", adminPorts[i]).put("token", ADMIN_TOKEN))
            .json()
            .put(
                "cluster",
                HubConf.cluster("admin-test-" + clusterPorts[0], clusterPorts[i], clusterPorts));
    Path file = Files.writeString(tmp.resolve("hub" + (i + 1) + ".json"), conf.encode());
    JavaProcess hub =
        JavaProcess.start(
            "hub" + (i + 1),
            "io.dialback.hub.HubMain",
            List.of("-Xmx128m", "-XX:+UseSerialGC"),
            List.of("-conf", file.toString()),
            Map.of(),
            logs);
    hubs.add(hub);
    return hub;
  }

  private JsonArray hubsListed(int i) throws Exception {
    HttpResponse<String> r = Scrape.get(adminPorts[i], "/api/hubs", ADMIN_TOKEN);
    return r.statusCode() == 200 ? new JsonObject(r.body()).getJsonArray("hubs") : new JsonArray();
  }

  private int ready(int i) throws Exception {
    return Scrape.get(adminPorts[i], "/health/ready", null).statusCode();
  }

  @Test
  void survivorsStayReadyWhenAHubIsKilledAndListTwoHubs() throws Exception {
    io.dialback.testkit.TestFiles.deleteTree(logs);
    for (int i = 0; i < 3; i++) {
      startHub(i);
    }
    for (JavaProcess hub : hubs) {
      hub.awaitLog("ready: .* in cluster", Duration.ofSeconds(60));
    }
    Await.until(
        "every hub lists three hubs",
        Duration.ofSeconds(30),
        () -> hubsListed(0).size() == 3 && hubsListed(1).size() == 3 && hubsListed(2).size() == 3);
    for (int i = 0; i < 3; i++) {
      assertThat(ready(i)).as("hub %d ready", i + 1).isEqualTo(200);
      assertThat(Scrape.get(adminPorts[i], "/health/ready", null).body()).contains("\"cluster\"");
      assertThat(Scrape.metrics(adminPorts[i]).get("dialback_hub_cluster_members")).isEqualTo(3);
    }

    try (RawBridgeSocket alpha =
        RawBridgeSocket.login(bridgePorts[1], HubConf.ALPHA_TOKEN, "alpha")) {
      // Hub 3's API lists alpha, on hub 2, with the figures hub 2 keeps for its connection.
      Await.until(
          "alpha listed with its figures on hub 3",
          Duration.ofSeconds(15),
          () -> {
            HttpResponse<String> r = Scrape.get(adminPorts[2], "/api/agents", ADMIN_TOKEN);
            JsonArray agents = new JsonObject(r.body()).getJsonArray("agents");
            return agents.size() == 1
                && agents.getJsonObject(0).getString("hub").equals("127.0.0.1:" + bridgePorts[1])
                && agents.getJsonObject(0).getString("address") != null
                && agents.getJsonObject(0).getLong("bytesIn") > 0;
          });
    }

    long killed = System.nanoTime();
    hubs.get(0).kill9();
    int checks = 0;
    while (System.nanoTime() - killed < Duration.ofSeconds(6).toNanos()) {
      for (int i = 1; i < 3; i++) {
        HttpResponse<String> r = Scrape.get(adminPorts[i], "/health/ready", null);
        assertThat(r.statusCode())
            .as("hub %d ready after the kill: %s", i + 1, r.body())
            .isEqualTo(200);
        checks++;
      }
      Thread.sleep(100);
    }
    System.out.printf("hub 1 killed: %d readiness checks on hubs 2 and 3, all 200%n", checks);
    for (int i = 1; i < 3; i++) {
      int hub = i;
      Await.until(
          "hub " + (hub + 1) + " lists two hubs",
          Duration.ofSeconds(10),
          () -> hubsListed(hub).size() == 2);
      JsonArray listed = hubsListed(hub);
      assertThat(listed.stream().map(h -> ((JsonObject) h).getString("address")))
          .containsExactlyInAnyOrder("127.0.0.1:" + bridgePorts[1], "127.0.0.1:" + bridgePorts[2]);
      assertThat(Scrape.metrics(adminPorts[hub]).get("dialback_hub_cluster_members")).isEqualTo(2);
    }
  }
}
