package io.dialback.hub.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import io.dialback.conf.Settings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Hazelcast config a hub builds: failure detection that tolerates a loaded machine, and enough
 * I/O threads that one stuck connection does not silence the others (FrozenHubUnderLoadTest shows
 * both on real processes).
 */
class HubClusterConfigTest {
  private static Config config(JsonObject cluster) {
    return HubCluster.hazelcastConfig(
        ClusterConfig.from(Settings.of(cluster, Map.of(), "DIALBACK_HUB_CLUSTER_"), true));
  }

  private static JsonObject cluster() {
    return new JsonObject()
        .put("port", 5801)
        .put("members", new JsonArray().add("127.0.0.1:5801").add("127.0.0.1:5802"));
  }

  @Test
  void detectsFailuresByPhiAccrualWithMaxNoHeartbeatAsTheAcceptablePause() {
    Config config = config(cluster());

    assertThat(config.getProperty("hazelcast.heartbeat.failuredetector.type"))
        .isEqualTo("phi-accrual");
    assertThat(config.getProperty("hazelcast.max.no.heartbeat.seconds")).isEqualTo("10");
    assertThat(config.getProperty("hazelcast.heartbeat.interval.seconds")).isEqualTo("1");
    assertThat(config.getProperty("hazelcast.heartbeat.phiaccrual.failuredetector.threshold"))
        .isEqualTo("10.0");
    assertThat(config.getProperty("hazelcast.heartbeat.phiaccrual.failuredetector.sample.size"))
        .isEqualTo("200");
    assertThat(
            config.getProperty("hazelcast.heartbeat.phiaccrual.failuredetector.min.std.dev.millis"))
        .isEqualTo("100");
  }

  @Test
  void takesTheOperatorsPauseAndHeartbeat() {
    Config config = config(cluster().put("heartbeatSeconds", 2).put("maxNoHeartbeatSeconds", 12));

    assertThat(config.getProperty("hazelcast.heartbeat.interval.seconds")).isEqualTo("2");
    assertThat(config.getProperty("hazelcast.max.no.heartbeat.seconds")).isEqualTo("12");
  }

  @Test
  void leavesHazelcastItsDefaultIoThreads() {
    // One outbound I/O thread let a connection to a frozen member silence every other member.
    assertThat(config(cluster()).getProperty("hazelcast.io.thread.count")).isNull();
  }
}
