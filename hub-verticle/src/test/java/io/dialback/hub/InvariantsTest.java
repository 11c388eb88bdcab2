package io.dialback.hub;

import static org.assertj.core.api.Assertions.assertThat;

import io.dialback.hub.TestHub.Target;
import io.dialback.testkit.BridgeEndpoint;
import io.dialback.testkit.FrameKind;
import io.dialback.testkit.RawBridgeSocket;
import io.dialback.testkit.RawBridgeSocket.Frame;
import io.dialback.testkit.Spellings;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The hub's invariants (docs/security.md), each attacked through every path that reaches it: every
 * name the hub gives meaning to, in generated spellings and look-alikes; every frame type; JSON and
 * binary frames; on one hub (the attacker over TCP, or over WebSocket), and across a two-hub
 * cluster (attacker on one hub, victim agent and Vert.x services on the other). The embedded-agent
 * path is in the agent module's {@code EmbeddedInvariantsTest}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InvariantsTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String VICTIM_TOKEN = "victim-token-0001";
  private static final String OTHER_TOKEN = "other-client-0001";
  private static final AtomicInteger NAMES = new AtomicInteger();

  /** Where the attacker and the victim are. */
  enum Setup {
    ONE_HUB,
    /** One hub, the attacker on its WebSocket, the victim on its bridge port. */
    ONE_HUB_WEBSOCKET,
    CLUSTER
  }

  private TestHub single;
  private TestCluster cluster;

  @BeforeAll
  void start() throws Exception {
    single = TestHub.start(Target.DIALBACK_WS, conf());
    cluster = TestCluster.start(2, conf());
  }

  @AfterAll
  void stop() throws Exception {
    single.close();
    cluster.close();
  }

  static JsonObject conf() {
    JsonObject conf = TestHub.conf();
    JsonArray names = new JsonArray();
    for (int i = 1; i <= 64; i++) {
      names.add("v" + i);
    }
    conf.getJsonObject("auth")
        .getJsonArray("tokens")
        .add(
            new JsonObject()
                .put("token", VICTIM_TOKEN)
                .put("role", "agent")
                .put("id", "victims")
                .put("names", names))
        .add(new JsonObject().put("token", OTHER_TOKEN).put("role", "client").put("id", "other"));
    return conf;
  }

  private BridgeEndpoint attacker(Setup setup) {
    return switch (setup) {
      case ONE_HUB -> BridgeEndpoint.tcp(single.port);
      case ONE_HUB_WEBSOCKET -> single.endpoint();
      case CLUSTER -> BridgeEndpoint.tcp(cluster.member(1).port());
    };
  }

  private int victimPort(Setup setup) {
    return setup == Setup.CLUSTER ? cluster.member(0).port() : single.port;
  }

  /** The Vert.x where services (event-bus consumers) live: the victim's hub. */
  private Vertx services(Setup setup) {
    return setup == Setup.CLUSTER ? cluster.member(0).vertx() : single.vertx;
  }

  // ---- invariants ----

  /** namespaces + identity: no spelling of a hub-owned header gets through, in any frame. */
  @ParameterizedTest
  @EnumSource(Setup.class)
  void hubOwnedHeadersAreRefusedInEverySpellingFrameTypeAndEncoding(Setup setup) throws Exception {
    String victim = "v" + NAMES.incrementAndGet();
    List<Message<Object>> seen = new CopyOnWriteArrayList<>();
    MessageConsumer<Object> sink =
        services(setup).eventBus().consumer("test.sink." + victim, seen::add);
    sink.completion().await(10, TimeUnit.SECONDS);
    try (RawBridgeSocket agent = victim(setup, victim);
        RawBridgeSocket attacker =
            RawBridgeSocket.loginBinary(attacker(setup), TestHub.CLIENT_TOKEN, null)) {
      awaitRoute(attacker, agent, "agent." + victim + ".fs.write");
      SoftAssertions soft = new SoftAssertions();
      int cases = 0;
      for (String name : Spellings.hubOwnedHeaderNames()) {
        JsonObject headers = new JsonObject().put(name, "json");
        for (String target : List.of("agent." + victim + ".fs.write", "test.sink." + victim)) {
          for (FrameKind kind : FrameKind.values()) {
            cases++;
            String reply = kind.withReply ? attacker.nextReplyAddress() : null;
            kind.send(attacker, target, reply, headers, "{\"path\":\"x\",\"offset\":0}");
            JsonObject err = attacker.readFrame(WAIT).json();
            soft.assertThat(err.getString("type"))
                .as("%s with header %s to %s", kind, name, target)
                .isEqualTo("err");
            soft.assertThat(err.getInteger("failureCode")).as("%s %s", kind, name).isEqualTo(400);
            if (reply != null) {
              soft.assertThat(err.getString("address")).isEqualTo(reply);
            }
          }
        }
      }
      soft.assertAll();
      assertThat(cases).isGreaterThan(300);
      // Nothing reached the agent or the service: the next thing each sees is the marker.
      String reply = attacker.nextReplyAddress();
      FrameKind.SEND_REPLY_BINARY.send(
          attacker,
          "agent." + victim + ".fs.write",
          reply,
          new JsonObject().put("X-Marker", "1"),
          "marker");
      Frame first = agent.readFrame(WAIT);
      assertThat(first.json().getJsonObject("headers").getString("X-Marker")).isEqualTo("1");
      assertThat(first.json().getJsonObject("headers").fieldNames())
          .containsExactlyInAnyOrder("X-Marker", "dialback.from");
      assertThat(first.json().getJsonObject("headers").getString("dialback.from"))
          .isEqualTo("tester");
      FrameKind.PUBLISH_JSON.send(
          attacker, "test.sink." + victim, null, new JsonObject(), "\"marker\"");
      awaitSize(seen, 1);
      assertThat(seen.get(0).body()).isEqualTo("marker");
    } finally {
      sink.unregister();
    }
  }

  /** identity: a service sees exactly one caller, the logged-in one, whatever headers come. */
  @ParameterizedTest
  @EnumSource(Setup.class)
  void servicesSeeTheLoggedInCallerAndOnlyIt(Setup setup) throws Exception {
    String victim = "v" + NAMES.incrementAndGet();
    List<Message<Object>> seen = new CopyOnWriteArrayList<>();
    MessageConsumer<Object> sink =
        services(setup)
            .eventBus()
            .consumer(
                "test.sink." + victim,
                m -> {
                  seen.add(m);
                  if (m.replyAddress() != null) {
                    m.reply("ok");
                  }
                });
    sink.completion().await(10, TimeUnit.SECONDS);
    try (RawBridgeSocket attacker =
        RawBridgeSocket.loginBinary(attacker(setup), TestHub.CLIENT_TOKEN, null)) {
      JsonObject innocentLooking =
          new JsonObject()
              .put("from", "alpha")
              .put("X-Dialback-From", "alpha")
              .put("dialback_from", "alpha")
              .put("Timeout", 5000)
              .put("LOCALONLY", "true")
              .put("CodecName", "bogus");
      int sent = 0;
      for (FrameKind kind : FrameKind.values()) {
        String reply = kind.withReply ? attacker.nextReplyAddress() : null;
        kind.send(attacker, "test.sink." + victim, reply, innocentLooking, "\"hello\"");
        sent++;
        if (reply != null) {
          awaitReplyOrRoute(attacker, reply);
        }
      }
      awaitSize(seen, sent);
      for (Message<Object> m : seen) {
        assertThat(m.headers().getAll("dialback.from")).containsExactly("tester");
        assertThat(m.headers().names())
            .as("the hub owns delivery options; they never pass as headers")
            .noneMatch(n -> n.equalsIgnoreCase("localOnly") || n.equalsIgnoreCase("codecName"));
      }
    } finally {
      sink.unregister();
    }
  }

  /** namespaces: hub.*, agent.*, __vertx.* only as themselves; dialback.* never; any frame. */
  @ParameterizedTest
  @EnumSource(Setup.class)
  void ownedNamespacesAreClosedInEverySpellingAndFrameType(Setup setup) throws Exception {
    String victim = "v" + NAMES.incrementAndGet();
    List<Message<Object>> local = new CopyOnWriteArrayList<>();
    // Where an agent embedded in the hub's Vert.x would answer its file service.
    MessageConsumer<Object> embedded =
        services(setup)
            .eventBus()
            .consumer("dialback.local.agent." + victim + ".fs.read", local::add);
    embedded.completion().await(10, TimeUnit.SECONDS);
    try (RawBridgeSocket attacker =
        RawBridgeSocket.loginBinary(attacker(setup), TestHub.CLIENT_TOKEN, null)) {
      SoftAssertions soft = new SoftAssertions();
      for (String address : Spellings.ownedAddresses(victim)) {
        for (FrameKind kind : FrameKind.values()) {
          String reply = kind.withReply ? attacker.nextReplyAddress() : null;
          kind.send(attacker, address, reply, new JsonObject(), "\"x\"");
          JsonObject err = attacker.readFrame(WAIT).json();
          soft.assertThat(err.getInteger("failureCode"))
              .as("%s to %s: %s", kind, address, err.encode())
              .isIn(403, 400);
        }
        for (String type : List.of("register", "unregister")) {
          attacker.send(new JsonObject().put("type", type).put("address", address));
          JsonObject err = attacker.readFrame(WAIT).json();
          soft.assertThat(err.getInteger("failureCode"))
              .as("%s %s: %s", type, address, err.encode())
              .isEqualTo(403);
        }
      }
      soft.assertAll();
      attacker.barrier();
      Thread.sleep(200); // a delivery would have arrived by now
      assertThat(local).isEmpty();
    } finally {
      embedded.unregister();
    }
  }

  /** replies: only the connection a request was delivered to answers it, and only once. */
  @ParameterizedTest
  @EnumSource(Setup.class)
  void onlyTheConnectionARequestWasDeliveredToCanAnswerItOnce(Setup setup) throws Exception {
    String victim = "v" + NAMES.incrementAndGet();
    try (RawBridgeSocket agent = victim(setup, victim);
        RawBridgeSocket caller =
            RawBridgeSocket.login(attacker(setup), TestHub.CLIENT_TOKEN, null);
        RawBridgeSocket attacker = RawBridgeSocket.login(attacker(setup), OTHER_TOKEN, null);
        RawBridgeSocket sameHub = RawBridgeSocket.login(victimPort(setup), OTHER_TOKEN, null)) {
      awaitRoute(caller, agent, "agent." + victim + ".fs.read");
      String callerReply = caller.nextReplyAddress();
      caller.send(request("agent." + victim + ".fs.read", callerReply, new JsonObject()));
      JsonObject delivered = agent.readFrame(WAIT).json();
      String replyAddress = delivered.getString("replyAddress");
      assertThat(replyAddress)
          .as("a reply address carries a secret part")
          .matches("__vertx\\.reply\\.[A-Za-z0-9_-]{16}\\.\\d+");
      // Forgeries: the exact address from other connections, and a spray of guesses.
      List<String> forged = new ArrayList<>(List.of(replyAddress));
      for (int i = 0; i < 200; i++) {
        forged.add("__vertx.reply." + i);
      }
      for (RawBridgeSocket forger : List.of(attacker, sameHub)) {
        for (String address : forged) {
          forger.send(request(address, null, new JsonObject().put("data", "forged")));
        }
        for (int i = 0; i < forged.size(); i++) {
          assertThat(forger.read().getInteger("failureCode")).isEqualTo(403);
        }
      }
      agent.send(request(replyAddress, null, new JsonObject().put("data", "real")));
      JsonObject answer = caller.read();
      assertThat(answer.getString("address")).isEqualTo(callerReply);
      assertThat(answer.getJsonObject("body").getString("data")).isEqualTo("real");
      agent.send(request(replyAddress, null, new JsonObject().put("data", "again")));
      assertThat(agent.read().getInteger("failureCode"))
          .as("a second answer is refused")
          .isEqualTo(403);
      assertThat(caller.poll(Duration.ofMillis(300))).isNull();
    }
  }

  /** memory: addresses and headers are bounded in length and number, in every frame type. */
  @ParameterizedTest
  @EnumSource(Setup.class)
  void addressesAndHeadersHaveBounds(Setup setup) throws Exception {
    try (RawBridgeSocket s =
        RawBridgeSocket.loginBinary(attacker(setup), TestHub.CLIENT_TOKEN, null)) {
      String longAddress = "test." + "x".repeat(300);
      for (FrameKind kind : FrameKind.values()) {
        kind.send(s, longAddress, null, new JsonObject(), "1");
        assertThat(s.readFrame(WAIT).json().getString("message")).contains("longer than 256");
        kind.send(s, "test.line\nbreak", null, new JsonObject(), "1");
        assertThat(s.readFrame(WAIT).json().getString("message")).contains("control character");
      }
      s.send(new JsonObject().put("type", "register").put("address", longAddress));
      assertThat(s.read().getString("message")).contains("longer than 256");
      JsonObject many = new JsonObject();
      for (int i = 0; i < 65; i++) {
        many.put("h" + i, "v");
      }
      s.send(request("test.echo", null, "x").put("headers", many));
      assertThat(s.read().getString("message")).contains("at most 64 headers");
      s.send(
          request("test.echo", null, "x")
              .put("headers", new JsonObject().put("big", "v".repeat(9000))));
      assertThat(s.read().getString("message")).contains("longer than 8192");
      s.send(request("test.echo", "r.long." + "y".repeat(300), "x"));
      assertThat(s.read().getString("message")).contains("longer than 256");
      s.barrier();
    }
  }

  // ---- helpers ----

  /** An agent (raw socket) bound as {@code name}, with its file addresses registered. */
  private RawBridgeSocket victim(Setup setup, String name) throws IOException {
    RawBridgeSocket agent = RawBridgeSocket.loginBinary(victimPort(setup), VICTIM_TOKEN, name);
    for (String op : List.of("read", "write", "stat")) {
      agent.send(
          new JsonObject().put("type", "register").put("address", "agent." + name + ".fs." + op));
    }
    agent.barrier();
    return agent;
  }

  /**
   * Waits until calls from {@code client} reach {@code agent} at {@code address} (in a cluster,
   * registrations travel to the other hub a little later), answering the probes.
   */
  private static void awaitRoute(RawBridgeSocket client, RawBridgeSocket agent, String address)
      throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      String reply = client.nextReplyAddress();
      client.send(request(address, reply, new JsonObject().put("probe", true)));
      Frame delivered = agent.pollFrame(Duration.ofMillis(500));
      // A probe either reached the agent (answer it) or failed with NO_HANDLERS (try again).
      if (delivered != null && delivered.json().getString("replyAddress") != null) {
        agent.send(request(delivered.json().getString("replyAddress"), null, "pong"));
        assertThat(client.read().getString("address")).isEqualTo(reply);
        return;
      }
      client.read();
      Thread.sleep(100);
    }
    throw new AssertionError("no route to " + address);
  }

  private static void awaitReplyOrRoute(RawBridgeSocket s, String reply) throws Exception {
    JsonObject frame = s.read();
    assertThat(frame.getString("address")).isEqualTo(reply);
    assertThat(frame.getString("type")).as(frame.encode()).isEqualTo("message");
  }

  private static void awaitSize(List<?> list, int size) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (list.size() < size && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    Thread.sleep(100); // and nothing more arrives
    assertThat(list).hasSize(size);
  }

  private static JsonObject request(String address, String reply, Object body) {
    JsonObject frame = new JsonObject().put("type", "send").put("address", address);
    if (reply != null) {
      frame.put("replyAddress", reply);
    }
    return frame.put("body", body);
  }
}
