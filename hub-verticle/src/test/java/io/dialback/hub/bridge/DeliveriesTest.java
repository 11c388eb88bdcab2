package io.dialback.hub.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dialback.testkit.HubConf;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Messages for a peer and the peer's answers, driven without a socket. */
class DeliveriesTest {
  private Harness h;
  private Harness.FakePeer agent;

  @BeforeEach
  void start() {
    h = new Harness();
    agent = h.loggedIn(HubConf.ALPHA_TOKEN, "alpha");
    agent.feed(new JsonObject().put("type", "register").put("address", "agent.alpha.fs.stat"));
    agent.feed(new JsonObject().put("type", "ping"));
    assertThat(agent.next().getString("type")).isEqualTo("pong");
  }

  @AfterEach
  void stop() {
    h.close();
  }

  private static JsonObject send(String address, Object body) {
    return new JsonObject().put("type", "send").put("address", address).put("body", body);
  }

  @Test
  void aRequestGetsASecretReplyAddressAndIsAnsweredOnce() throws Exception {
    Future<Message<Object>> reply =
        h.vertx.eventBus().request("agent.alpha.fs.stat", new JsonObject().put("path", "x"));
    JsonObject delivered = agent.next();
    String replyAddress = delivered.getString("replyAddress");
    assertThat(replyAddress).matches("__vertx\\.reply\\.[A-Za-z0-9_-]{16}\\.1");
    assertThat(delivered.getJsonObject("body")).isEqualTo(new JsonObject().put("path", "x"));

    agent.feed(send(replyAddress, new JsonObject().put("size", 5)));
    assertThat(reply.await(5, TimeUnit.SECONDS).body()).isEqualTo(new JsonObject().put("size", 5));

    agent.feed(send(replyAddress, new JsonObject().put("size", 6)));
    assertThat(agent.next().getInteger("failureCode")).as("a second answer").isEqualTo(403);
  }

  @Test
  void aFailureAnswerReachesTheSenderWithItsCode() {
    Future<Message<Object>> reply = h.vertx.eventBus().request("agent.alpha.fs.stat", "x");
    String replyAddress = agent.next().getString("replyAddress");
    agent.feed(
        new JsonObject()
            .put("type", "send")
            .put("address", replyAddress)
            .put("failureCode", 404)
            .put("message", "not_found: x"));
    assertThatThrownBy(() -> reply.await(5, TimeUnit.SECONDS))
        .isInstanceOfSatisfying(
            ReplyException.class, e -> assertThat(e.failureCode()).isEqualTo(404));
  }

  @Test
  void whoeverWaitsForAnAnswerHearsAtOnceWhenThePeerGoes() {
    Future<Message<Object>> reply = h.vertx.eventBus().request("agent.alpha.fs.stat", "x");
    agent.next();
    long start = System.nanoTime();
    agent.hangUp();
    assertThatThrownBy(() -> reply.await(5, TimeUnit.SECONDS))
        .isInstanceOfSatisfying(
            ReplyException.class,
            e -> {
              assertThat(e.failureCode()).isEqualTo(503);
              assertThat(e.getMessage()).contains("alpha disconnected before replying");
            });
    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(1_000);
  }

  @Test
  void aPublishReachesEverySubscriberAsTheSameFrame() {
    Harness.FakePeer listener = h.loggedIn(HubConf.CLIENT_TOKEN, null);
    listener.feed(new JsonObject().put("type", "register").put("address", "agent.alpha.events.fs"));
    listener.feed(new JsonObject().put("type", "ping"));
    assertThat(listener.next().getString("type")).isEqualTo("pong");
    agent.feed(
        new JsonObject()
            .put("type", "publish")
            .put("address", "agent.alpha.events.fs")
            .put("body", new JsonObject().put("event", "created")));
    JsonObject event = listener.next();
    assertThat(event.getBoolean("send")).isFalse();
    assertThat(event.getJsonObject("headers").getString("dialback.from")).isEqualTo("alpha");
    assertThat(event.getJsonObject("body").getString("event")).isEqualTo("created");
  }
}
