package io.dialback.hub.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dialback.conf.ConfigException;
import io.dialback.hub.HubConfig;
import io.dialback.hub.TestHub;
import io.dialback.hub.TestHub.Target;
import io.dialback.testkit.HubConf;
import io.dialback.testkit.RawBridgeSocket;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One token for a fleet ({@code "names": ["edge-*"]}) and the rule for a name already bound: the
 * second login is refused with 409 while the first connection lives, and gets in once it is gone.
 */
class FleetNamesTest {
  private static final String FLEET = "fleet-token-0001";

  private static JsonObject fleetConf() {
    return HubConf.standard().agent(FLEET, "edge-*", "gateway").json();
  }

  private static JsonObject login(RawBridgeSocket s, String name) throws Exception {
    return s.loginReply(FLEET, name);
  }

  @Test
  void aPatternBindsEveryNameThatBeginsWithItAndNoOther() throws Exception {
    try (TestHub hub = TestHub.start(Target.DIALBACK, fleetConf());
        RawBridgeSocket one = RawBridgeSocket.connect(hub.port);
        RawBridgeSocket two = RawBridgeSocket.connect(hub.port);
        RawBridgeSocket listed = RawBridgeSocket.connect(hub.port)) {
      assertThat(login(one, "edge-0001").getJsonObject("body").getString("identity"))
          .isEqualTo("edge-0001");
      assertThat(login(two, "edge-lisbon_2").getJsonObject("body").getString("identity"))
          .isEqualTo("edge-lisbon_2");
      assertThat(login(listed, "gateway").getJsonObject("body").getString("identity"))
          .as("plain names still work beside a pattern")
          .isEqualTo("gateway");

      for (String name : new String[] {"edge-", "EDGE-1", "Edge-1", "edgy-1", "core-1"}) {
        try (RawBridgeSocket s = RawBridgeSocket.connect(hub.port)) {
          JsonObject refused = login(s, name);
          assertThat(refused.getInteger("failureCode")).as(name).isEqualTo(403);
          assertThat(refused.getString("message")).contains("may not bind the name " + name);
        }
      }
      try (RawBridgeSocket s = RawBridgeSocket.connect(hub.port)) {
        JsonObject refused = login(s, null);
        assertThat(refused.getInteger("failureCode")).isEqualTo(400);
        assertThat(refused.getString("message")).contains("say which with name");
      }
      // The holder registers under its own name only, not under the pattern's other names.
      one.send(new JsonObject().put("type", "register").put("address", "agent.edge-0002.fs.stat"));
      assertThat(one.read().getInteger("failureCode")).isEqualTo(403);
    }
  }

  @Test
  void aNameBoundByALiveConnectionIsRefusedUntilThatConnectionIsGone() throws Exception {
    try (TestHub hub = TestHub.start(Target.DIALBACK, fleetConf())) {
      RawBridgeSocket first = RawBridgeSocket.connect(hub.port);
      assertThat(login(first, "edge-7").getString("type")).isEqualTo("message");
      try (RawBridgeSocket second = RawBridgeSocket.connect(hub.port)) {
        JsonObject refused = login(second, "edge-7");
        assertThat(refused.getInteger("failureCode")).isEqualTo(409);
        assertThat(refused.getString("message"))
            .contains("agent name edge-7 is bound by a live connection");
        assertThat(second.isClosedByPeer(Duration.ofSeconds(5))).isTrue();
      }
      // The first keeps its name and works on.
      first.send(new JsonObject().put("type", "ping"));
      assertThat(first.read().getString("type")).isEqualTo("pong");
      first.close();
      JsonObject third = null;
      for (int attempt = 0; attempt < 50; attempt++) { // the hub sees the close within ms
        try (RawBridgeSocket s = RawBridgeSocket.connect(hub.port)) {
          third = login(s, "edge-7");
          if (third.getString("type").equals("message")) {
            break;
          }
        }
        Thread.sleep(20);
      }
      assertThat(third.getJsonObject("body").getString("identity")).isEqualTo("edge-7");
    }
  }

  @Test
  void patternsAreCheckedAtStart() {
    assertRefusedAt(HubConf.standard().agent("any-token-0001", "*"), "auth.tokens[3].names");
    assertRefusedAt(HubConf.standard().agent("any-token-0001", "edge-*-x"), "auth.tokens[3].names");
    assertRefusedAt(HubConf.standard().agent("any-token-0001", "ed*ge"), "auth.tokens[3].names");
    // A client whose id a fleet's agent could bind would be taken for that agent, in any case.
    JsonObject clash =
        HubConf.standard()
            .agent(FLEET, "edge-*")
            .token(
                new JsonObject()
                    .put("token", "ops-token-0001")
                    .put("role", "client")
                    .put("id", "EDGE-ops"))
            .json();
    assertThatThrownBy(() -> HubConfig.from(clash, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("lets an agent bind as its name");
    JsonObject fine =
        HubConf.standard()
            .agent(FLEET, "edge-*")
            .token(
                new JsonObject()
                    .put("token", "ops-token-0001")
                    .put("role", "client")
                    .put("id", "edge"))
            .json();
    assertThat(HubConfig.from(fine, Map.of()).tokens()).hasSize(5);
  }

  private static void assertRefusedAt(HubConf conf, String key) {
    assertThatThrownBy(() -> HubConfig.from(conf.json(), Map.of()))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> {
              assertThat(e.key()).isEqualTo(key);
              assertThat(e.getMessage()).contains("edge-*");
            });
  }
}
