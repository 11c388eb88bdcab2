package io.dialback.hub.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.dialback.hub.TestHub;
import io.dialback.hub.TestHub.Target;
import io.dialback.testkit.RawBridgeSocket;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The stock bridge's defects that made us write our own server, each shown on both bridges: the
 * stock {@code TcpEventBusBridge} 5.0.8 has it, our hub does not. Should a stock release fix one,
 * its test here fails and tells us.
 */
class StockBridgeDefectsTest {
  private static final Duration SHORT = Duration.ofMillis(700);

  private static RawBridgeSocket login(TestHub bridge, String token, String name) throws Exception {
    return RawBridgeSocket.login(
        bridge.endpoint(), token, bridge.target == Target.STOCK ? null : name);
  }

  private static JsonObject request(String address, String replyAddress, Object body) {
    return new JsonObject()
        .put("type", "send")
        .put("address", address)
        .put("replyAddress", replyAddress)
        .put("body", body);
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void unknownFrameTypeWedgesOnlyTheStockBridge(Target target) throws Exception {
    try (TestHub bridge = TestHub.start(target);
        RawBridgeSocket s = login(bridge, TestHub.CLIENT_TOKEN, null)) {
      s.send(new JsonObject().put("type", "bogus").put("address", "x"));
      s.send(new JsonObject().put("type", "ping"));
      boolean answeredPing = false;
      for (JsonObject frame; (frame = s.poll(SHORT)) != null; ) {
        answeredPing |= "pong".equals(frame.getString("type"));
      }
      assertThat(answeredPing).isEqualTo(target != Target.STOCK);
    }
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void aThirdPartyCanForgeRepliesOnlyOnTheStockBridge(Target target) throws Exception {
    try (TestHub bridge = TestHub.start(target);
        RawBridgeSocket agent = login(bridge, TestHub.ALPHA_TOKEN, "alpha");
        RawBridgeSocket caller = login(bridge, TestHub.CLIENT_TOKEN, null);
        RawBridgeSocket forger = login(bridge, TestHub.CLIENT_TOKEN, null)) {
      agent.send(new JsonObject().put("type", "register").put("address", "agent.alpha.svc"));
      agent.barrier();
      caller.send(request("agent.alpha.svc", "mine", "question"));
      String replyAddress = agent.read().getString("replyAddress");

      forger.send(
          new JsonObject().put("type", "send").put("address", replyAddress).put("body", "forged"));
      forger.poll(SHORT);
      agent.send(
          new JsonObject().put("type", "send").put("address", replyAddress).put("body", "genuine"));

      assertThat(caller.read().getString("body"))
          .isEqualTo(target == Target.STOCK ? "forged" : "genuine");
    }
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void anotherConnectionCanStealHalfAnAgentsCallsOnlyOnTheStockBridge(Target target)
      throws Exception {
    try (TestHub bridge = TestHub.start(target);
        RawBridgeSocket agent = login(bridge, TestHub.ALPHA_TOKEN, "alpha");
        RawBridgeSocket thief = login(bridge, TestHub.BETA_TOKEN, "beta");
        RawBridgeSocket caller = login(bridge, TestHub.CLIENT_TOKEN, null)) {
      JsonObject register =
          new JsonObject().put("type", "register").put("address", "agent.alpha.fs.read");
      agent.send(register);
      agent.barrier();
      thief.send(register);
      thief.poll(SHORT); // our hub answers with an err frame
      thief.barrier();

      Set<String> served = new HashSet<>();
      for (int i = 0; i < 4; i++) {
        caller.send(request("agent.alpha.fs.read", "r" + i, i));
      }
      for (RawBridgeSocket s : new RawBridgeSocket[] {agent, thief}) {
        if (s.poll(SHORT) != null) {
          served.add(s == agent ? "agent" : "thief");
        }
      }
      assertThat(served)
          .isEqualTo(target == Target.STOCK ? Set.of("agent", "thief") : Set.of("agent"));
    }
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void callerWaitsOutItsTimeoutAfterTheReplierLeavesOnlyOnTheStockBridge(Target target)
      throws Exception {
    try (TestHub bridge = TestHub.start(target);
        RawBridgeSocket caller = login(bridge, TestHub.CLIENT_TOKEN, null)) {
      RawBridgeSocket agent = login(bridge, TestHub.ALPHA_TOKEN, "alpha");
      agent.send(new JsonObject().put("type", "register").put("address", "agent.alpha.slow"));
      agent.barrier();
      caller.send(
          request("agent.alpha.slow", "r", "q")
              .put("headers", new JsonObject().put("timeout", 3_000)));
      agent.read();
      long start = System.nanoTime();
      agent.close();

      JsonObject err = caller.read();
      Duration waited = Duration.ofNanos(System.nanoTime() - start);
      if (target == Target.STOCK) {
        assertThat(err.getString("failureType")).isEqualTo("TIMEOUT");
        assertThat(waited).isGreaterThan(Duration.ofMillis(2_500));
      } else {
        assertThat(err.getInteger("failureCode")).isEqualTo(503);
        assertThat(waited).isLessThan(Duration.ofSeconds(1));
      }
    }
  }
}
