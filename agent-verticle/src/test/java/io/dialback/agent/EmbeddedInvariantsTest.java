package io.dialback.agent;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.dialback.hub.HubVerticle;
import io.dialback.hub.TestHub;
import io.dialback.testkit.FrameKind;
import io.dialback.testkit.RawBridgeSocket;
import io.dialback.testkit.Spellings;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The hub's invariants with agents embedded in the hub's own Vert.x, as the demo launcher and the
 * README's embedding run them: their services then answer on {@code dialback.local.agent.<name>.*}
 * in the same event bus the hub serves, and no spelling of it is reachable from a peer.
 */
class EmbeddedInvariantsTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path tmp;
  private Vertx vertx;
  private int port;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    HubVerticle hub = new HubVerticle(Map.of());
    vertx
        .deployVerticle(hub, new DeploymentOptions().setConfig(TestHub.conf()))
        .await(30, TimeUnit.SECONDS);
    port = hub.actualPort();
    deployAgent("alpha", TestHub.ALPHA_TOKEN, false);
    deployAgent("beta", TestHub.BETA_TOKEN, true);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  private void deployAgent(String name, String token, boolean writable) throws Exception {
    Path root = Files.createDirectories(tmp.resolve(name));
    Files.writeString(root.resolve("hello.txt"), "hello from " + name);
    JsonObject conf =
        new JsonObject()
            .put("name", name)
            .put("hubs", new JsonArray().add("127.0.0.1:" + port))
            .put("token", token)
            .put("root", root.toString())
            .put("writable", writable);
    AgentVerticle agent = new AgentVerticle(Map.of());
    vertx
        .deployVerticle(agent, new DeploymentOptions().setConfig(conf))
        .await(10, TimeUnit.SECONDS);
    agent.connected().await(10, TimeUnit.SECONDS);
  }

  @Test
  void agentsLocalAddressesAreUnreachableInEverySpellingAndFrame() throws Exception {
    try (RawBridgeSocket attacker = RawBridgeSocket.loginBinary(port, TestHub.CLIENT_TOKEN, null)) {
      SoftAssertions soft = new SoftAssertions();
      List<String> addresses = new ArrayList<>(Spellings.ownedAddresses("alpha"));
      addresses.addAll(Spellings.ownedAddresses("beta"));
      for (String address : addresses) {
        for (FrameKind kind : FrameKind.values()) {
          String reply = kind.withReply ? attacker.nextReplyAddress() : null;
          kind.send(
              attacker,
              address,
              reply,
              new JsonObject(),
              "{\"path\":\"hello.txt\",\"offset\":0,\"data\":\"eA==\",\"last\":true}");
          JsonObject err = attacker.readFrame(WAIT).json();
          soft.assertThat(err.getInteger("failureCode"))
              .as("%s to %s: %s", kind, address, err.encode())
              .isIn(400, 403);
        }
        for (String type : List.of("register", "unregister")) {
          attacker.send(new JsonObject().put("type", type).put("address", address));
          soft.assertThat(attacker.read().getInteger("failureCode"))
              .as("%s %s", type, address)
              .isEqualTo(403);
        }
      }
      soft.assertAll();
      // Nothing was taken over: every call reaches the real agent, none reaches the attacker.
      try (RawBridgeSocket caller = RawBridgeSocket.login(port, TestHub.CLIENT_TOKEN, null)) {
        for (int i = 0; i < 20; i++) {
          String reply = caller.nextReplyAddress();
          caller.send(
              request("agent.alpha.fs.read", reply, new JsonObject().put("path", "hello.txt")));
          JsonObject answer = caller.read();
          assertThat(answer.getString("type")).as(answer.encode()).isEqualTo("message");
          assertThat(
                  new String(
                      Base64.getDecoder().decode(answer.getJsonObject("body").getString("data")),
                      StandardCharsets.UTF_8))
              .isEqualTo("hello from alpha");
        }
      }
      assertThat(attacker.pollFrame(Duration.ofMillis(200))).isNull();
      assertThat(Files.readString(tmp.resolve("beta/hello.txt"))).isEqualTo("hello from beta");
    }
  }

  @Test
  void noPeerForgesAnAgentsEventsOrWritesAsSomeoneElse() throws Exception {
    Logger audit = (Logger) LoggerFactory.getLogger("dialback.audit");
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    audit.addAppender(lines);
    try (RawBridgeSocket listener = RawBridgeSocket.login(port, TestHub.CLIENT_TOKEN, null);
        RawBridgeSocket attacker = RawBridgeSocket.loginBinary(port, TestHub.CLIENT_TOKEN, null)) {
      listener.send(
          new JsonObject().put("type", "register").put("address", "agent.beta.events.fs"));
      listener.barrier();
      String forged = "{\"event\":\"deleted\",\"path\":\"hello.txt\",\"type\":\"file\"}";
      for (FrameKind kind : List.of(FrameKind.PUBLISH_JSON, FrameKind.PUBLISH_BINARY)) {
        kind.send(attacker, "agent.beta.events.fs", null, new JsonObject(), forged);
        assertThat(attacker.readFrame(WAIT).json().getInteger("failureCode")).isEqualTo(403);
        kind.send(
            attacker,
            "dialback.local.agent.beta.events",
            null,
            new JsonObject().put("Dialback.Topic", "fs"),
            forged);
        assertThat(attacker.readFrame(WAIT).json().getInteger("failureCode")).isIn(400, 403);
      }
      // A write that claims to come from someone else is refused; a plain one is the caller's.
      String data = Base64.getEncoder().encodeToString("mine".getBytes(StandardCharsets.UTF_8));
      JsonObject write =
          new JsonObject()
              .put("path", "note.txt")
              .put("offset", 0)
              .put("data", data)
              .put("last", true);
      String reply = attacker.nextReplyAddress();
      attacker.send(
          request("agent.beta.fs.write", reply, write)
              .put("headers", new JsonObject().put("DIALBACK.FROM", "alice")));
      assertThat(attacker.readFrame(WAIT).json().getInteger("failureCode")).isEqualTo(400);
      reply = attacker.nextReplyAddress();
      attacker.send(request("agent.beta.fs.write", reply, write));
      assertThat(attacker.readFrame(WAIT).json().getString("type")).isEqualTo("message");
      assertThat(listener.poll(Duration.ofMillis(300))).as("no forged event arrived").isNull();
    } finally {
      audit.detachAppender(lines);
    }
    List<String> written =
        lines.list.stream()
            .map(ILoggingEvent::getFormattedMessage)
            .filter(m -> m.startsWith("write "))
            .toList();
    assertThat(written).hasSize(1);
    assertThat(written.get(0)).contains("identity=\"tester\"").doesNotContain("alice");
    assertThat(Files.readString(tmp.resolve("beta/note.txt"))).isEqualTo("mine");
  }

  private static JsonObject request(String address, String reply, Object body) {
    return new JsonObject()
        .put("type", "send")
        .put("address", address)
        .put("replyAddress", reply)
        .put("body", body);
  }
}
