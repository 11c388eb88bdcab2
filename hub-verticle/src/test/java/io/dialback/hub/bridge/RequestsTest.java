package io.dialback.hub.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.dialback.testkit.HubConf;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A peer's requests in flight, driven without a socket. */
class RequestsTest {
  private Harness h;

  @AfterEach
  void stop() {
    h.close();
  }

  @Test
  void aCallToAnAgentAnnouncedGoneFailsAtOnceAndItsLateAnswerIsDropped() {
    h = new Harness();
    Harness.FakePeer agent = h.loggedIn(HubConf.ALPHA_TOKEN, "alpha");
    agent.feed(new JsonObject().put("type", "register").put("address", "agent.alpha.fs.read"));
    agent.feed(new JsonObject().put("type", "ping"));
    agent.next();
    Harness.FakePeer client = h.loggedIn(HubConf.CLIENT_TOKEN, null);
    client.feed(
        new JsonObject()
            .put("type", "send")
            .put("address", "agent.alpha.fs.read")
            .put("replyAddress", "r.1")
            .put("body", new JsonObject()));
    String agentReply = agent.next().getString("replyAddress");

    h.hub.agentLeft("alpha", "hub-9"); // as a hub announces when alpha's hub dies
    JsonObject err = client.next();
    assertThat(err.getString("address")).isEqualTo("r.1");
    assertThat(err.getInteger("failureCode")).isEqualTo(503);
    assertThat(err.getString("message")).contains("agent alpha left (it was on hub-9)");

    agent.feed(new JsonObject().put("type", "send").put("address", agentReply).put("body", "late"));
    assertThat(client.rest(200)).as("the late answer is dropped").isEmpty();
  }

  @Test
  void requestsBeyondTheBoundGetBusy() {
    h = new Harness(new JsonObject().put("maxPendingRequests", 2));
    Harness.FakePeer client = h.loggedIn(HubConf.CLIENT_TOKEN, null);
    h.on(() -> h.vertx.eventBus().consumer("test.silent", m -> {}));
    for (int i = 0; i < 3; i++) {
      client.feed(
          new JsonObject()
              .put("type", "send")
              .put("address", "test.silent")
              .put("replyAddress", "r." + i));
    }
    JsonObject err = client.next();
    assertThat(err.getString("address")).isEqualTo("r.2");
    assertThat(err.getInteger("failureCode")).isEqualTo(429);
  }
}
