package io.dialback.hub.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.dialback.testkit.HubConf;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A logged-in peer's addressed frames: policy and routing, driven without a socket. */
class InboundTest {
  private Harness h;
  private Harness.FakePeer client;

  @BeforeEach
  void start() {
    h = new Harness();
    client = h.loggedIn(HubConf.CLIENT_TOKEN, null);
  }

  @AfterEach
  void stop() {
    h.close();
  }

  @Test
  void anotherAgentsAddressIsRefusedToTheRegistrationsHandler() {
    client.feed(new JsonObject().put("type", "register").put("address", "agent.beta.fs.read"));
    JsonObject err = client.next();
    assertThat(err.getString("address")).isEqualTo("agent.beta.fs.read");
    assertThat(err.getInteger("failureCode")).isEqualTo(403);
  }

  @Test
  void aReservedHeaderIsRefusedToTheRequestsReplyAddress() {
    client.feed(
        new JsonObject()
            .put("type", "send")
            .put("address", "test.echo")
            .put("replyAddress", "r.1")
            .put("headers", new JsonObject().put("Dialback.From", "alpha")));
    JsonObject err = client.next();
    assertThat(err.getString("address")).isEqualTo("r.1");
    assertThat(err.getInteger("failureCode")).isEqualTo(400);
    assertThat(err.getString("message")).contains("reserved for the hub");
  }

  @Test
  void aServiceSeesTheCallerAsItLoggedIn() {
    List<String> from = new CopyOnWriteArrayList<>();
    h.on(
        () ->
            h.vertx
                .eventBus()
                .consumer(
                    "test.echo",
                    m -> {
                      from.addAll(m.headers().getAll("dialback.from"));
                      m.reply(m.body());
                    }));
    client.feed(
        new JsonObject()
            .put("type", "send")
            .put("address", "test.echo")
            .put("replyAddress", "r.2")
            .put("headers", new JsonObject().put("x-from", "alpha"))
            .put("body", "hi"));
    JsonObject reply = client.next();
    assertThat(reply.getString("body")).isEqualTo("hi");
    assertThat(from).containsExactly("tester");
  }

  @Test
  void aPongAfterARegisterMeansTheRegistrationIsInPlace() {
    client.feed(new JsonObject().put("type", "register").put("address", "test.inbox"));
    client.feed(new JsonObject().put("type", "ping"));
    assertThat(client.next().getString("type")).isEqualTo("pong");
    h.on(() -> h.vertx.eventBus().send("test.inbox", "for you"));
    JsonObject delivered = client.next();
    assertThat(delivered.getString("address")).isEqualTo("test.inbox");
    assertThat(delivered.getString("body")).isEqualTo("for you");
  }
}
