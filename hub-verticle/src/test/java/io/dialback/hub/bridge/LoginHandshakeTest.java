package io.dialback.hub.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.dialback.hub.registry.AgentRecord;
import io.dialback.testkit.HubConf;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The login, driven without a socket. */
class LoginHandshakeTest {
  private Harness h;

  @AfterEach
  void stop() {
    h.close();
  }

  private static JsonObject login(String token, String name) {
    JsonObject body = new JsonObject().put("token", token);
    if (name != null) {
      body.put("name", name);
    }
    return new JsonObject()
        .put("type", "send")
        .put("address", "hub.login")
        .put("replyAddress", "r.login")
        .put("body", body);
  }

  @Test
  void aLoginIsAnsweredWithWhoAndWhere() {
    h = new Harness();
    Harness.FakePeer peer = h.connect("127.0.0.1");
    peer.feed(login(HubConf.CLIENT_TOKEN, null));
    JsonObject reply = peer.next();
    assertThat(reply.getString("type")).isEqualTo("message");
    assertThat(reply.getString("address")).isEqualTo("r.login");
    assertThat(reply.getJsonObject("body"))
        .isEqualTo(
            new JsonObject()
                .put("identity", "tester")
                .put("role", "client")
                .put("hub", "test-hub")
                .put("binary", false)
                .put("maxPendingRequests", Limits.DEFAULTS.maxPendingRequests()));
    assertThat(h.on(() -> peer.connection.state())).isEqualTo(BridgeConnection.State.OPEN);
    assertThat(peer.paused).as("reading resumed after the login").isFalse();
  }

  @Test
  void aFrameBeforeTheLoginIsRefusedAndCloses() {
    h = new Harness();
    Harness.FakePeer peer = h.connect("127.0.0.1");
    peer.feed(new JsonObject().put("type", "send").put("address", "x").put("replyAddress", "r"));
    JsonObject err = peer.next();
    assertThat(err.getInteger("failureCode")).isEqualTo(401);
    assertThat(err.getString("address")).isEqualTo("r");
    Harness.sleep(50);
    assertThat(peer.closed).isTrue();
  }

  @Test
  void aRefusedLoginIsAnsweredOnlyAfterItsDelayThenCloses() {
    h = new Harness(new JsonObject().put("loginFailureDelayMs", 300));
    Harness.FakePeer peer = h.connect("127.0.0.1");
    long start = System.nanoTime();
    peer.feed(login("not-a-token-0001", null));
    assertThat(peer.rest(150)).as("held back").isEmpty();
    assertThat(h.on(() -> peer.connection.state())).isEqualTo(BridgeConnection.State.REFUSED);
    JsonObject err = peer.next();
    assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(300);
    assertThat(err.getInteger("failureCode")).isEqualTo(401);
    assertThat(err.getString("message")).contains("unknown token");
    Harness.sleep(50);
    assertThat(peer.closed).isTrue();
  }

  @Test
  void aConnectionThatNeverLogsInIsClosed() {
    h = new Harness(new JsonObject().put("loginTimeoutMs", 150));
    Harness.FakePeer peer = h.connect("127.0.0.1");
    JsonObject err = peer.next();
    assertThat(err.getString("message")).contains("no login within 150 ms");
    Harness.sleep(50);
    assertThat(peer.closed).isTrue();
  }

  @Test
  void anAgentsNameIsBoundAtLoginAndReleasedAtClose() throws Exception {
    h = new Harness();
    Harness.FakePeer agent = h.loggedIn(HubConf.ALPHA_TOKEN, "alpha");
    assertThat(h.registry.list().await(5, TimeUnit.SECONDS))
        .extracting(AgentRecord::name)
        .containsExactly("alpha");
    agent.hangUp();
    Harness.sleep(50);
    assertThat(h.registry.list().await(5, TimeUnit.SECONDS)).isEmpty();
  }

  @Test
  void theOldestOfTooManyLoginsFromOneAddressMakesRoom() {
    h = new Harness(new JsonObject().put("maxPendingLoginsPerAddress", 2));
    Harness.FakePeer first = h.connect("10.0.0.1");
    Harness.FakePeer second = h.connect("10.0.0.1");
    Harness.FakePeer other = h.connect("10.0.0.2");
    Harness.FakePeer third = h.connect("10.0.0.1");
    JsonObject err = first.next();
    assertThat(err.getInteger("failureCode")).isEqualTo(429);
    assertThat(err.getString("message")).contains("this one waited longest");
    assertThat(second.rest(50)).isEmpty();
    assertThat(other.rest(0)).as("another address is not touched").isEmpty();
    third.feed(login(HubConf.CLIENT_TOKEN, null));
    assertThat(third.next().getString("type")).isEqualTo("message");
  }
}
