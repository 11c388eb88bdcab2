package io.dialback.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dialback.conf.ConfigException;
import io.dialback.hub.TestHub;
import io.dialback.hub.cluster.ClusterMember;
import io.dialback.testkit.JavaProcess;
import io.dialback.testkit.Ports;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A misspelt environment override stops the hub, the agent and a cluster member with exit code 2
 * (or a ConfigException), naming the variable and the one that was probably meant — as an unknown
 * key in the conf file does — instead of being ignored.
 */
class EnvironmentMistakesTest {
  @TempDir Path tmp;

  @Test
  void aHubWithAMisspeltVariableStopsNamingIt() throws Exception {
    Path conf =
        Files.writeString(
            tmp.resolve("hub.json"), TestHub.conf().put("port", Ports.free()).encode());
    JavaProcess.Result hub =
        JavaProcess.exec(
            "io.dialback.hub.HubMain",
            List.of("-conf", conf.toString()),
            Map.of("DIALBACK_HUB_PORTT", "7100"),
            Duration.ofSeconds(60));
    assertThat(hub.exitCode()).isEqualTo(2);
    assertThat(hub.err() + hub.out())
        .contains(
            "dialback-hub: DIALBACK_HUB_PORTT: this environment variable overrides no setting;"
                + " did you mean DIALBACK_HUB_PORT (key port)?");
  }

  @Test
  void anAgentWithAMisspeltVariableStopsNamingIt() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("root"));
    Path conf =
        Files.writeString(
            tmp.resolve("agent.json"),
            new JsonObject()
                .put("name", "alpha")
                .put("hubs", new JsonArray().add("127.0.0.1:" + Ports.free()))
                .put("token", TestHub.ALPHA_TOKEN)
                .put("root", root.toString())
                .encode());
    JavaProcess.Result agent =
        JavaProcess.exec(
            "io.dialback.agent.cli.AgentMain",
            List.of("-conf", conf.toString()),
            Map.of("DIALBACK_AGENT_WRITEABLE", "true"),
            Duration.ofSeconds(60));
    assertThat(agent.exitCode()).isEqualTo(2);
    assertThat(agent.err() + agent.out())
        .contains(
            "DIALBACK_AGENT_WRITEABLE: this environment variable overrides no setting; did you"
                + " mean DIALBACK_AGENT_WRITABLE (key writable)?");
  }

  @Test
  void aClusterMemberWithAMisspeltVariableIsRefused() {
    JsonObject conf = new JsonObject().put("cluster", new JsonObject().put("enabled", true));
    assertThatThrownBy(
            () ->
                ClusterMember.join(conf, Map.of("DIALBACK_MEMBER_CLUSTER_PROT", "5701"))
                    .await(30, TimeUnit.SECONDS))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(
            "DIALBACK_MEMBER_CLUSTER_PROT: this environment variable overrides no setting; did you"
                + " mean DIALBACK_MEMBER_CLUSTER_PORT (key cluster.port)?");
  }
}
