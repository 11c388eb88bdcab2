package io.dialback.hub.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.dialback.link.CloseReason;
import io.dialback.testkit.HubConf;
import io.dialback.wire.FailureCode;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the connection core counts, without a socket: each kind of call once, with its outcome and a
 * latency; refusals by code; closes by reason (bytes are counted by CountingPeer, on sockets).
 */
class CountingTest {
  private final List<String> counted = new CopyOnWriteArrayList<>();
  private final BridgeMetrics metrics =
      new BridgeMetrics() {
        @Override
        public void login(FailureCode refused) {
          counted.add("login " + (refused == null ? "ok" : refused.label()));
        }

        @Override
        public void call(CallKind kind, CallOutcome outcome, long nanos) {
          counted.add(kind.label() + " " + outcome.label() + (nanos >= 0 ? "" : " negative"));
        }

        @Override
        public void refused(FailureCode code) {
          counted.add("refused " + code.label());
        }

        @Override
        public void closed(CloseReason reason) {
          counted.add("closed " + reason.label());
        }
      };
  private final Harness h = new Harness(new JsonObject(), metrics);

  @AfterEach
  void stop() {
    h.close();
  }

  private static JsonObject send(String address, String replyAddress, Object body) {
    return new JsonObject()
        .put("type", "send")
        .put("address", address)
        .put("replyAddress", replyAddress)
        .put("body", body);
  }

  private Harness.FakePeer agent() {
    Harness.FakePeer alpha = h.loggedIn(HubConf.ALPHA_TOKEN, "alpha");
    alpha.feed(new JsonObject().put("type", "register").put("address", "agent.alpha.svc"));
    alpha.feed(new JsonObject().put("type", "ping"));
    alpha.next(); // pong: the registration is in place
    return alpha;
  }

  @Test
  void aServiceCallOfAnAgentIsHubToAgentAndAClientCallIsClientToAgent() throws Exception {
    Harness.FakePeer alpha = agent();
    var reply = h.vertx.eventBus().request("agent.alpha.svc", new JsonObject().put("q", 1));
    String replyAddress = alpha.next().getString("replyAddress");
    alpha.feed(new JsonObject().put("type", "send").put("address", replyAddress).put("body", 2));
    reply.await(5, java.util.concurrent.TimeUnit.SECONDS);
    var failing = h.vertx.eventBus().request("agent.alpha.svc", new JsonObject());
    replyAddress = alpha.next().getString("replyAddress");
    alpha.feed(
        new JsonObject()
            .put("type", "send")
            .put("address", replyAddress)
            .put("failureCode", 429)
            .put("message", "busy: later"));
    assertThat(failing.failed() || !failing.isComplete()).isTrue();

    Harness.FakePeer client = h.loggedIn(HubConf.CLIENT_TOKEN, null);
    client.feed(send("agent.alpha.svc", "r.1", new JsonObject()));
    replyAddress = alpha.next().getString("replyAddress");
    alpha.feed(new JsonObject().put("type", "send").put("address", replyAddress).put("body", 3));
    assertThat(client.next().getString("address")).isEqualTo("r.1");

    assertThat(counted)
        .containsExactly(
            "login ok", "hub_to_agent ok", "hub_to_agent busy", "login ok", "client_to_agent ok");
  }

  @Test
  void aCallWhoseAgentLeavesIsUnavailableAndARefusalCountsItsCode() {
    Harness.FakePeer alpha = agent();
    Harness.FakePeer client = h.loggedIn(HubConf.CLIENT_TOKEN, null);
    client.feed(send("agent.alpha.svc", "r.1", new JsonObject()));
    alpha.next();
    alpha.hangUp();
    assertThat(client.next().getInteger("failureCode")).isEqualTo(503);
    client.feed(new JsonObject().put("type", "register").put("address", "agent.alpha.svc"));
    assertThat(client.next().getInteger("failureCode")).isEqualTo(403);
    client.feed(new JsonObject().put("type", "publish").put("address", "news").put("body", 1));
    client.feed(new JsonObject().put("type", "ping"));
    client.next();

    assertThat(counted)
        .containsExactly(
            "login ok",
            "login ok",
            "closed peer_closed",
            "client_to_agent unavailable",
            "refused access_denied",
            "publish ok");
  }
}
